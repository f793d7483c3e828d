"""The template's folders against its catalogue: both frameworks hold the same partials, and every
task, format, deployment target and scale the catalogue names has the files that render it."""

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest
import yaml

from advisor.catalog import load_catalog

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "project"
PARTIALS = TEMPLATE / "templates"
SKELETON = TEMPLATE / "{{cookiecutter.project_slug}}"
PACKAGE_DIR = SKELETON / "src" / "{{cookiecutter.package}}"
FRAMEWORKS = ("pytorch", "tensorflow")
CATALOG = yaml.safe_load((TEMPLATE / "catalog.yaml").read_text(encoding="utf-8"))
CHOICES = json.loads((TEMPLATE / "cookiecutter.json").read_text(encoding="utf-8"))
TEMPLATE_TASKS = sorted({task["template"] for task in CATALOG["tasks"].values()})


def files_under(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def exported_formats(framework: str) -> set[str]:
    """The formats some project of this framework can write."""
    catalog = load_catalog()
    return {name for target in catalog.deploy for name in catalog.project_formats(framework, target, True)}


def test_the_template_reads_a_projects_formats_as_advisor_does():
    spec = importlib.util.spec_from_file_location("local_extensions", TEMPLATE / "local_extensions.py")
    extensions = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(extensions)
    catalog = load_catalog()
    for framework in FRAMEWORKS:
        for target in catalog.deploy:
            for browser_training in ("no", "yes"):
                assert extensions.formats_of(framework, target, browser_training) == list(
                    catalog.project_formats(framework, target, browser_training == "yes")
                ), (framework, target, browser_training)


def module_of(framework: str, name: str) -> Path:
    """A format's module: the framework's own, else the common one (made from another format's artifact)."""
    own = PARTIALS / framework / "export" / f"{name}.py"
    return own if own.is_file() else PARTIALS / "common" / "export" / f"{name}.py"


# Partials one framework's objectives share: Keras compiles every model with the same optimiser setup.
FRAMEWORK_ONLY = {"pytorch": set(), "tensorflow": {"objectives/optimization.py"}}


def test_both_framework_folders_hold_the_same_files_except_their_formats():
    layouts = {}
    for framework in FRAMEWORKS:
        files = files_under(PARTIALS / framework)
        modules = {path for path in files if path.startswith("export/")}
        assert modules <= {f"export/{name}.py" for name in exported_formats(framework)}, framework
        assert FRAMEWORK_ONLY[framework] <= files, framework
        layouts[framework] = files - modules - FRAMEWORK_ONLY[framework]
    assert layouts["pytorch"] == layouts["tensorflow"]


def test_common_format_modules_are_made_from_another_format():
    for path in (PARTIALS / "common" / "export").glob("*.py"):
        if path.stem in CATALOG["formats"]:  # the others are shared code: tools.py, onnx_runtime.py
            assert CATALOG["formats"][path.stem].get("source") or path.stem == "tfjs", path.name


def test_cookiecutter_choices_are_the_catalogue_ids():
    assert CHOICES["framework"] == list(CATALOG["frameworks"])
    assert sorted(CHOICES["task"]) == TEMPLATE_TASKS
    assert CHOICES["hardware"] == list(CATALOG["hardware"])
    assert CHOICES["deploy"] == list(CATALOG["deploy"])
    assert CHOICES["scale"] == list(CATALOG["scales"])
    assert CHOICES["browser_training"] == ["no", "yes"]


@pytest.mark.parametrize("task", TEMPLATE_TASKS)
def test_every_template_task_has_its_partials(task):
    for name in ("config_fields.py", "train.yaml", "conftest_sizes.py", "readme_data.md", "sources.py", "test_sources.py"):
        assert (PARTIALS / "common" / "tasks" / task / name).is_file(), name
    for framework in FRAMEWORKS:
        for name in ("model.py", "test_data.py"):
            assert (PARTIALS / framework / "tasks" / task / name).is_file(), (framework, name)


def test_every_format_a_target_lists_has_its_module_prose_and_stub():
    for target, facts in CATALOG["deploy"].items():
        assert (PARTIALS / "common" / "deploy" / f"{target}.md").is_file(), target
        assert set(facts["formats"]) == set(FRAMEWORKS), target
        for names in facts["formats"].values():
            assert set(names) <= set(CATALOG["formats"]), target
    for framework in FRAMEWORKS:
        for name in exported_formats(framework):
            assert module_of(framework, name).is_file(), (framework, name)
            assert framework in CATALOG["formats"][name]["dependencies"], (framework, name)
    for name in CATALOG["formats"]:
        assert (PARTIALS / "common" / "formats" / f"{name}.md").is_file(), name
        stub = PACKAGE_DIR / "export" / f"{name}.py"
        assert stub.read_text(encoding="utf-8") == f'{{% include format_partial("{name}") -%}}\n'


def test_every_file_a_scale_keeps_has_a_partial_per_framework_and_a_stub():
    for scale, facts in CATALOG["scales"].items():
        for path in facts["keeps"]:
            stub = SKELETON / path
            assert stub.read_text(encoding="utf-8") == f'{{% include scale_partial("{path}") -%}}\n', path
            for framework in FRAMEWORKS:
                partial = PARTIALS / framework / "scale" / scale / path.rsplit("/", 1)[-1]
                assert partial.is_file(), (framework, scale, path)
    # Nothing in a scale folder that its scale does not keep.
    for framework in FRAMEWORKS:
        for path in files_under(PARTIALS / framework / "scale"):
            scale, name = path.split("/")
            assert name in {kept.rsplit("/", 1)[-1] for kept in CATALOG["scales"][scale]["keeps"]}, path


def test_install_commands_and_markers_cover_every_framework_and_hardware():
    for framework in FRAMEWORKS:
        assert CATALOG["frameworks"][framework]["install_guide"].startswith("https://")
        for hardware in CATALOG["hardware"]:
            entry = CATALOG["install"][framework][hardware]
            assert entry["note"] and entry["command"], (framework, hardware)
            assert set(entry.get("os", {})) | set(entry.get("details_os", {})) <= set(CHOICES["os"])
    markers = [facts["marker"] for facts in CATALOG["hardware"].values()]
    assert markers.count(None) == 1 and len(set(markers)) == len(markers)


def test_python_and_shell_partials_keep_their_code_raw():
    """Braces in Python or shell never reach Jinja: the code sits inside {% raw %} blocks."""
    for path in sorted(PARTIALS.rglob("*")):
        if path.suffix not in (".py", ".sh", ".sbatch") or "common" in path.relative_to(PARTIALS).parts:
            continue
        text = path.read_text(encoding="utf-8")
        one_line_include = text.count("\n") == 1 and text.startswith(("{% include", "{% extends"))
        assert one_line_include or "{% raw %}" in text, path.relative_to(PARTIALS)


def test_no_template_file_is_ignored_by_git():
    """A template file that a .gitignore (the skeleton's own, e.g. `data/`) hides never reaches a clone or the
    wheel: the llm starter's bundled corpus once went missing that way."""
    if not (TEMPLATE.parents[1] / ".git").exists():
        pytest.skip("not a git checkout")
    files = [str(path) for path in TEMPLATE.rglob("*") if path.is_file() and "__pycache__" not in path.parts]
    result = subprocess.run(["git", "check-ignore", "--no-index", "--stdin"], input="\n".join(files), text=True,
                            capture_output=True, cwd=TEMPLATE, check=False)
    assert result.stdout.split() == []
