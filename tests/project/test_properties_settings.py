"""Property tests: any name, description or directory text is either accepted as safe or refused in one line."""

import keyword
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.catalog import load_catalog
from advisor.errors import InputError
from advisor.project.settings import is_plain_line, project_settings, validate_name
from advisor.ui.wizard import check_directory

BOUNDED = settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
FRAMEWORKS = list(load_catalog().frameworks)
# Text that hits the edges: brackets (rich markup), quotes, Jinja, separators, device names, dependency names.
tricky = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["[bold]x[/bold]", "{{ 7*7 }}", "{% raw %}", "CON", "nul", "google", "typing-extensions",
                     "a\u202eb", "x\u200by", "..", "-", "/", "a/b", "a\\b", "'\"", "ünïcode-näme", "🚀 rocket"]),
)


def refused_in_one_line(call, *args):
    try:
        return call(*args)
    except InputError as error:
        assert "\n" not in str(error) and len(str(error)) < 300, str(error)
        return None


@BOUNDED
@given(name=tricky, description=st.one_of(st.none(), tricky), framework=st.sampled_from(FRAMEWORKS))
def test_any_name_and_description_are_accepted_safely_or_refused(name, description, framework):
    accepted = refused_in_one_line(project_settings, name, description)
    if accepted is None:
        return
    assert accepted.package.isidentifier() and not keyword.iskeyword(accepted.package)
    assert accepted.package not in sys.stdlib_module_names
    assert accepted.slug.replace("-", "_") == accepted.package and accepted.slug[0].isalpha()
    assert is_plain_line(accepted.name) and is_plain_line(accepted.description)
    assert "\n" not in accepted.description
    if refused_in_one_line(validate_name, name, framework) is not None:
        assert load_catalog().shadowed_import(accepted.package, framework) is None


@BOUNDED
@given(text=tricky)
def test_any_directory_text_is_a_path_or_one_line(tmp_path_factory, text):
    base = tmp_path_factory.getbasetemp()
    result = refused_in_one_line(check_directory, f"{base}/{text}" if text.strip() else text)
    assert result is None or str(result)
