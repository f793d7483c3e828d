"""advisor new: the tree, safety of user text, atomic writes, determinism and replay."""

import dataclasses
import subprocess
import sys
import tomllib

import pytest
import yaml
from helpers.cli import FRAMEWORKS, TASKS
from helpers.trees import check_tree, project_files, tree_bytes

from advisor.catalog import load_catalog
from advisor.decide.engine import recommend
from advisor.errors import GenerationError
from advisor.project.plan import plan_generation
from advisor.project.record import read_record
from advisor.project.render import render
from advisor.project.settings import project_settings
from advisor.resources import templates_dir


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("task", TASKS)
def test_tree_is_clean(generated, framework, task):
    root = generated[framework, task]
    assert check_tree(root) == []
    package = root.name.replace("-", "_")
    for module in ("config", "data", "model", "train", "evaluate", "device", "export/__init__"):
        assert (root / "src" / package / f"{module}.py").is_file(), module
    record = read_record(root)
    for fmt in load_catalog().deploy[record.answers["deploy"]].formats[framework]:
        assert (root / "src" / package / "export" / f"{fmt}.py").is_file(), fmt
    for path in ("README.md", "docs/DECISION.md", ".advisor/answers.yaml", ".gitignore", ".github/workflows/smoke.yml",
                 "configs/train.yaml", "conftest.py"):
        assert (root / path).is_file(), path
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == root.name
    assert "--strict-markers" in pyproject["tool"]["pytest"]["ini_options"]["addopts"]


@pytest.mark.parametrize("task", TASKS)
def test_same_layout_for_both_frameworks(generated, task):
    def layout(root):
        return {p.relative_to(root).as_posix() for p in project_files(root)}

    torch_tree = {p.replace("pytorch-", "") for p in layout(generated["pytorch", task])}
    tf_tree = {p.replace("tensorflow-", "") for p in layout(generated["tensorflow", task])}
    torch_tree = {p.replace(f"pytorch_{task}", "PKG") for p in torch_tree}
    tf_tree = {p.replace(f"tensorflow_{task}", "PKG") for p in tf_tree}
    # An export format is a module: each framework has the modules of its own formats, and only those differ.
    formats = load_catalog().deploy[read_record(generated["pytorch", task]).answers["deploy"]].formats
    torch_tree -= {f"src/PKG/export/{fmt}.py" for fmt in formats["pytorch"]}
    tf_tree -= {f"src/PKG/export/{fmt}.py" for fmt in formats["tensorflow"]}
    assert torch_tree == tf_tree


def test_same_answers_give_byte_identical_trees(tmp_path, advisor_cli):
    args = ["-a", "task=nlp", "-a", "hardware=nvidia", "-a", "scale=multi-gpu", "--name", "twin", "--no-input"]
    assert advisor_cli("new", str(tmp_path / "a"), *args).returncode == 0
    assert advisor_cli("new", str(tmp_path / "b"), *args).returncode == 0
    assert tree_bytes(tmp_path / "a") == tree_bytes(tmp_path / "b")


def test_stored_answers_replay_the_same_tree(tmp_path, advisor_cli):
    first = tmp_path / "first"
    result = advisor_cli(
        "new", str(first), "--framework", "tensorflow", "-a", "task=tabular", "-a", "deploy=batch",
        "--name", "Churn Model", "--description", "Predicts churn: weekly.", "--no-input",
    )
    assert result.returncode == 0, result.stderr
    again = tmp_path / "again"
    result = advisor_cli("new", str(again), "--answers", str(first / ".advisor" / "answers.yaml"), "--no-input")
    assert result.returncode == 0, result.stderr
    assert tree_bytes(first) == tree_bytes(again)
    stored = yaml.safe_load((first / ".advisor" / "answers.yaml").read_text())
    assert stored["framework"] == "tensorflow" and stored["name"] == "Churn Model"


HOSTILE = 'Says "hi" \'there\' {{ 7*7 }} {% if 1 %}x{% endif %} """ \\ <script>alert(1)</script> # ü 🚀'


def test_user_text_is_inert_everywhere(tmp_path, advisor_cli):
    target = tmp_path / "hostile"
    result = advisor_cli("new", str(target), "--name", "Hostile {{ 7*7 }}", "--description", HOSTILE, "--no-input")
    assert result.returncode == 0, result.stderr
    pyproject = tomllib.loads((target / "pyproject.toml").read_text())
    assert pyproject["project"]["description"] == HOSTILE
    assert pyproject["project"]["name"] == "hostile-7-7"
    stored = yaml.safe_load((target / ".advisor" / "answers.yaml").read_text())
    assert stored["description"] == HOSTILE and stored["name"] == "Hostile {{ 7*7 }}"
    for path in target.rglob("*.py"):
        compile(path.read_text(), str(path), "exec")
    readme = (target / "README.md").read_text()
    assert "<script>" not in readme and "49" not in readme


def test_non_empty_dir_exits_2_and_writes_nothing(tmp_path, advisor_cli):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    result = advisor_cli("new", str(target), "--no-input")
    assert result.returncode == 2
    assert "exists and is not empty; pass --force" in result.stderr
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy"]


def test_force_writes_over_and_keeps_other_files(tmp_path, advisor_cli):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    (target / "README.md").write_text("old")
    result = advisor_cli("new", str(target), "--force", "--no-input")
    assert result.returncode == 0, result.stderr
    assert (target / "notes.txt").read_text() == "mine"
    assert (target / "README.md").read_text() != "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy"]


@pytest.mark.parametrize("layout", ["file-for-folder", "folder-for-file"])
def test_force_refuses_what_it_cannot_replace_before_writing(tmp_path, advisor_cli, layout):
    target = tmp_path / "busy"
    target.mkdir()
    if layout == "file-for-folder":
        (target / "src").write_text("mine")
    else:
        (target / "README.md").mkdir()
    before = sorted(p.name for p in target.iterdir())
    result = advisor_cli("new", str(target), "--force", "--no-input")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "DIR: " in result.stderr and "move it away" in result.stderr
    assert str(target / ("src" if layout == "file-for-folder" else "README.md")) in result.stderr
    assert sorted(p.name for p in target.iterdir()) == before  # nothing was written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy"]  # no staging left


def test_a_failed_render_removes_the_folders_it_made(tmp_path, ruleset):
    plan = dataclasses.replace(plan_for(ruleset), hardware="quantum")
    with pytest.raises(GenerationError):
        render(plan, tmp_path / "deep" / "er" / "p")
    assert list(tmp_path.iterdir()) == []


def test_empty_dir_is_used(tmp_path, advisor_cli):
    target = tmp_path / "empty"
    target.mkdir()
    assert advisor_cli("new", str(target), "--no-input").returncode == 0
    assert (target / "pyproject.toml").is_file()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--name", "123"], "name: '123' must start with a letter"),
        (["--framework", "jax"], "framework: 'jax' is not one of auto, pytorch, tensorflow"),
        (["-a", "task=poetry"], "task: 'poetry' is not one of"),
        (["--description", "a\nb"], "description: must be one line"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(tmp_path, advisor_cli, args, message):
    result = advisor_cli("new", str(tmp_path / "p"), *args, "--no-input")
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def plan_for(ruleset, **answers):
    return plan_generation(recommend(ruleset, answers), project_settings("safe-project"))


def test_render_failure_leaves_nothing(tmp_path, ruleset):
    plan = dataclasses.replace(plan_for(ruleset), hardware="quantum")  # not a template choice: cookiecutter refuses it
    with pytest.raises(GenerationError):
        render(plan, tmp_path / "p")
    assert list(tmp_path.iterdir()) == []


def test_interrupt_mid_render_leaves_nothing(tmp_path, ruleset, monkeypatch):
    import cookiecutter.main

    real = cookiecutter.main.cookiecutter

    def interrupted(*args, **kwargs):
        real(*args, **kwargs)  # the whole tree is written to staging, then Ctrl-C
        raise KeyboardInterrupt

    monkeypatch.setattr(cookiecutter.main, "cookiecutter", interrupted)
    with pytest.raises(KeyboardInterrupt):
        render(plan_for(ruleset), tmp_path / "p")
    assert list(tmp_path.iterdir()) == []


def test_override_is_recorded(tmp_path, advisor_cli):
    target = tmp_path / "override"
    result = advisor_cli("new", str(target), "--framework", "tensorflow", "-a", "goal=research", "--no-input")
    assert result.returncode == 0 and "advisor recommended PyTorch" in result.stdout
    decision = (target / "docs" / "DECISION.md").read_text().lower()
    assert "overrid" in decision
    assert "tensorflow" in (target / "pyproject.toml").read_text()


def test_task_other_gets_a_generic_starter_and_says_so(tmp_path, advisor_cli):
    target = tmp_path / "other"
    result = advisor_cli("new", str(target), "-a", "task=other", "--no-input")
    assert result.returncode == 0
    assert "generic starter" in result.stdout
    assert "generic starter" in (target / "docs" / "DECISION.md").read_text().replace("\\", "")
    assert "generic starter" in (target / "README.md").read_text()


@pytest.mark.parametrize(("framework", "hardware", "os_name"), [("pytorch", "cpu", "linux"), ("tensorflow", "nvidia", "linux")])
def test_next_steps_install_the_framework_for_the_hardware_before_the_project(tmp_path, advisor_cli, framework,
                                                                             hardware, os_name):
    result = advisor_cli("new", str(tmp_path / "p"), "--framework", framework, "-a", f"hardware={hardware}",
                         "-a", f"os={os_name}", "--no-input")
    lines = [line.strip() for line in result.stdout.splitlines()]
    framework_install = load_catalog().install_command(framework, hardware, os_name)
    assert framework_install in lines and 'pip install -e ".[dev]"' in lines
    assert lines.index(framework_install) < lines.index('pip install -e ".[dev]"')


def test_defaults_are_listed(tmp_path, advisor_cli):
    result = advisor_cli("new", str(tmp_path / "d"), "--no-input")
    assert "defaulted: goal=prototype" in result.stdout


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_cookiecutter_cli_renders_the_template_alone(tmp_path, framework):
    result = subprocess.run(
        [sys.executable, "-m", "cookiecutter", str(templates_dir() / "project"), "--no-input",
         "-o", str(tmp_path), f"framework={framework}", "task=nlp"],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    root = tmp_path / "my-dl-project"
    assert check_tree(root) == []
    assert "without advisor" in (root / "docs" / "DECISION.md").read_text().replace("\\", "")
