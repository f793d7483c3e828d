"""Project names become valid distribution and package names, or a clear exit-2 error."""

import pytest

from advisor.errors import InputError
from advisor.project.settings import project_settings, validate_description


@pytest.mark.parametrize(
    "name, slug, package",
    [
        ("My DL Project", "my-dl-project", "my_dl_project"),
        ("cat_classifier", "cat-classifier", "cat_classifier"),
        ("  Speech  2 Text!! ", "speech-2-text", "speech_2_text"),
        ("Ünïcode Näme", "unicode-name", "unicode_name"),  # accents dropped, letters kept
    ],
)
def test_names_become_slug_and_package(name, slug, package):
    settings = project_settings(name)
    assert (settings.slug, settings.package) == (slug, package)
    assert settings.package.isidentifier()


@pytest.mark.parametrize(
    "name, fragment",
    [
        ("", "must not be empty"),
        ("123", "must start with a letter"),
        ("!!!", "must start with a letter"),
        ("torch", "shadows an existing module"),
        ("json", "shadows an existing module"),
        ("class", "shadows an existing module"),
        ("a" * 65, "at most 64 characters"),
        ("two\nlines", "one line"),
        ("Ab\x1fcd\x7fef", "without control or invisible characters"),
        ("form\x0cfeed", "without control or invisible characters"),
        ("line\u2028sep", "without control or invisible characters"),
        ("bad\udcffbyte", "without control or invisible characters"),  # a byte that was not UTF-8 on the command line
    ],
)
def test_bad_names_are_refused_with_the_field(name, fragment):
    with pytest.raises(InputError) as caught:
        project_settings(name)
    assert str(caught.value).startswith("name: ") and fragment in str(caught.value)


def test_description_rules():
    assert validate_description(None).startswith("A deep-learning project")
    with pytest.raises(InputError, match="description: must be one line"):
        validate_description("a\nb")
    for bad in ("bell\x07 ok", "del\x7f ok", "para\u2029graph", "nel\x85 ok"):
        with pytest.raises(InputError, match="description: must be one line"):
            validate_description(bad)
    with pytest.raises(InputError, match="description: at most 300 characters"):
        validate_description("x" * 301)


def test_framework_choice():
    assert project_settings("x-project", framework="TensorFlow").framework_choice == "tensorflow"
    with pytest.raises(InputError, match="framework: 'jax' is not one of auto, pytorch, tensorflow"):
        project_settings("x-project", framework="jax")
