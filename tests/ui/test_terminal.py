"""The terminal experience: whole command lines at any width, a panel that wraps under itself, colour
switches, live progress only for a person, shell completion and examples in the help."""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from helpers.cli import run_advisor

from advisor.catalog import load_catalog
from advisor.project.smoke import SmokeProgress
from advisor.ui.layout import wrap_hanging
from advisor.ui.progress import progress_line

WIDTHS = (40, 80, 200)
ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]")
URL = re.compile(r"https?://\S+")
USER = {"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com"}


def at_width(width: int, *args: str, cwd: Path | None = None):
    return run_advisor(*args, cwd=cwd, env={"COLUMNS": str(width)})


def assert_printed_whole(output: str, command: str) -> None:
    """`command` is on one line of `output` (indented), and shlex reads that line back as the same words."""
    lines = [line.strip() for line in output.splitlines()]
    assert command in lines, f"{command!r} is not on a line of its own:\n{output}"
    assert shlex.split(lines[lines.index(command)]) == shlex.split(command)


@pytest.fixture(scope="module")
def deep(tmp_path_factory):
    """A folder whose path is longer than 80 columns and has spaces in it."""
    folder = tmp_path_factory.mktemp("terminal") / "a folder with spaces" / ("long-" * 12 + "end")
    folder.mkdir(parents=True)
    return folder


@pytest.mark.parametrize("width", WIDTHS)
def test_new_prints_its_commands_whole(deep, width):
    project = deep / f"cats-{width}"
    result = at_width(width, "new", str(project), "--no-input", "-a", "task=vision", "-a", "hardware=nvidia")
    assert result.returncode == 0, result.stderr
    quoted = shlex.quote(str(project))
    assert_printed_whole(result.stdout, f"cd {quoted}")
    assert_printed_whole(result.stdout, f"advisor smoke {quoted}")
    assert_printed_whole(result.stdout, 'pip install -e ".[dev]"')
    for line in load_catalog().install_command("pytorch", "nvidia", "linux").splitlines():
        assert_printed_whole(result.stdout, line)
    # Prose wraps with a hanging indent: every line after "  defaulted: " starts under its text.
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("  defaulted: "))
    following = lines[start + 1:next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(" " * 13))]
    assert all(line.startswith(" " * 13) and line[13] != " " for line in following)
    assert all(len(line) <= max(width, 13 + 20) for line in lines[start:start + 1 + len(following)])


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **USER})
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("width", WIDTHS)
def test_update_prints_its_commands_whole(deep, width):
    project = deep / f"upd-{width}"
    assert at_width(width, "new", str(project), "--no-input", "-a", "task=tabular").returncode == 0
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("deployment target (**none**)", "deployment target (ours)"))
    git(project, "commit", "-qam", "mine")
    quoted = shlex.quote(str(project))
    # A conflict, and answers that now favour the other framework: both print commands.
    flags = ["-a", "deploy=microcontroller", "-a", "experience=tensorflow", "-a", "existing_stack=tensorflow"]
    result = at_width(width, "update", str(project), *flags)
    assert result.returncode == 1, result.stdout + result.stderr
    assert_printed_whole(result.stdout, f"git -C {quoted} add -- README.md")
    assert_printed_whole(result.stdout, f"git -C {quoted} status")
    record = shlex.quote(str(project / ".advisor" / "answers.yaml"))
    assert_printed_whole(
        result.stdout,
        f"advisor new NEW_DIR --answers {record} -a deploy=microcontroller -a experience=tensorflow "
        "-a existing_stack=tensorflow --framework tensorflow --no-input",
    )


def test_doctor_prints_its_fix_commands_whole(deep):
    project = deep / "gpu"
    assert at_width(80, "new", str(project), "--no-input", "-a", "hardware=nvidia").returncode == 0
    for width in WIDTHS:
        result = at_width(width, "doctor", str(project))
        commands = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("pip install")]
        assert commands, result.stdout
        for command in commands:
            words = shlex.split(command)
            assert words[:2] == ["pip", "install"] and not command.endswith("\\")


REASON = re.compile(r"^│ +[+-]\d")


@pytest.mark.parametrize("width", (60, 80, 120, 200))
def test_the_panel_wraps_under_itself_and_never_splits_a_url(width):
    answers = ["-a", "goal=production", "-a", "deploy=server", "-a", "task=llm", "-a", "pretrained=yes",
               "-a", "hardware=tpu", "-a", "scale=multi-node"]
    result = at_width(width, "recommend", *answers, "--explain")
    assert result.returncode == 0, result.stderr
    data = json.loads(at_width(width, "recommend", *answers, "--json").stdout)
    panel = result.stdout.split("Every rule, matched or not")[0]
    lines = panel.splitlines()
    # Every URL of every shown source is whole on one line.
    for reason in data["reasons"][:6]:
        for url in URL.findall(reason["source"]):
            url = url.rstrip(").,;")
            assert any(url in line for line in lines), (url, panel)
    # A reason's continuation lines start under its text, never at the panel's edge.
    reasons = [i for i, line in enumerate(lines) if REASON.match(line)]
    assert reasons
    for index in reasons:
        first = lines[index]
        text_column = re.match(r"^│ +[+-][\d.]+ +\S+ +", first).end()
        following = lines[index + 1]
        if following.startswith("│") and not REASON.match(following) and following.strip("│ "):
            assert following[:text_column].strip("│ ") == "", (first, following)
    # Lines fit the width, unless they hold a word (a URL) longer than the room left.
    for line in lines:
        if len(line) > width:
            assert any(len(word) > width // 2 for word in line.split()), (width, line)


def test_wrap_hanging_never_splits_a_long_word():
    url = "https://github.com/tensorflow/tensorflow/issues/12345678901234567890"
    lines = wrap_hanging(f"see {url} for details about this", 40, "  +3 pytorch  ")
    assert any(url in line for line in lines)
    assert all(line.startswith(" " * 14) for line in lines[1:])


def test_no_color_flag_and_variable_remove_colour():
    coloured = run_advisor("recommend", env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert re.search(r"\x1b\[[0-9;]*3[0-9]m|\x1b\[[0-9;]*9[0-7]m", coloured.stdout), "FORCE_COLOR gives colour"
    for env, args in (({"FORCE_COLOR": "1", "NO_COLOR": ""}, ["--no-color"]), ({"FORCE_COLOR": "1"}, [])):
        env = {**env} if args else {**env, "NO_COLOR": "1"}
        plain = run_advisor(*args, "recommend", env=env)
        assert plain.returncode == 0
        assert not re.search(r"\x1b\[[0-9;]*(3[0-9]|9[0-7]|38;[25]);?[0-9;]*m", plain.stdout), plain.stdout[:300]


def test_progress_line_fits_and_keeps_the_test_name():
    progress = SmokeProgress(29, 12, 1, "tests/test_learning.py::" + "x" * 80 + "::test_learns", 7.4)
    line = progress_line(progress, 80)
    assert line.startswith("smoke: 12/29 done, 1 failed · 7s · running …") and line.endswith("::test_learns")
    assert len(line) <= 80 - 4
    assert progress_line(SmokeProgress(None, 0, 0, None, 1.0), 80).endswith("collecting tests")
    assert progress_line(SmokeProgress(3, 3, 0, None, 2.0), 80).endswith("finishing")


def tiny_project(tmp_path):
    project = tmp_path / "tiny"
    (project / "tests").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.pytest.ini_options]\nmarkers = ["smoke: quick checks"]\n')
    (project / "tests" / "test_it.py").write_text(
        "import time\n\nimport pytest\n\n"
        + "".join(f"@pytest.mark.smoke\ndef test_step_{n}():\n    time.sleep(0.4)\n\n" for n in range(6))
    )
    return project


def test_smoke_shows_live_progress_on_a_terminal(tmp_path):
    project = tiny_project(tmp_path)
    env = {**os.environ, "TERM": "xterm", "NO_COLOR": "1"}
    child = pexpect.spawn(sys.executable, ["-m", "advisor", "smoke", str(project)], env=env, encoding="utf-8",
                          timeout=60, dimensions=(30, 120))
    child.expect(r"smoke: \d/6 done")
    child.expect(r"running tests/test_it\.py::test_step_\d")
    child.expect("smoke OK: 6 passed")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_no_progress_when_piped_or_json(tmp_path):
    project = tiny_project(tmp_path)
    piped = run_advisor("smoke", str(project))
    assert piped.returncode == 0 and piped.stderr == "" and "smoke:" not in piped.stdout.replace("smoke OK", "")
    as_json = run_advisor("smoke", str(project), "--json")
    assert json.loads(as_json.stdout)["passed"] == 6 and as_json.stderr == ""


BASH_SESSION = """
source "$1"
COMP_LINE="$2"; COMP_POINT=${#2}; COMP_WORDBREAKS=$' \\t\\n"\\'><=;|&(:'
compopt() { :; }
_advisor_completion advisor
printf '%s\\n' "${COMPREPLY[@]}"
"""


@pytest.fixture(scope="module")
def completion_script(tmp_path_factory):
    script = tmp_path_factory.mktemp("completion") / "advisor.bash"
    shown = run_advisor("--show-completion", env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1",
                                                   "SHELL": "/bin/bash"})
    assert shown.returncode == 0, shown.stderr
    script.write_text(shown.stdout)
    return script


def complete(script: Path, line: str) -> list[str]:
    """What bash offers at the end of `line`, run through advisor's completion script as bash would."""
    bin_dir = str(Path(sys.executable).parent)
    result = subprocess.run(["bash", "-c", BASH_SESSION, "bash", str(script), line], capture_output=True, text=True,
                            env={**os.environ, "PATH": bin_dir + os.pathsep + os.environ["PATH"]})
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.skipif(shutil.which("bash") is None or not Path(sys.executable).with_name("advisor").exists(),
                    reason="needs bash and advisor's script")
def test_bash_completion_offers_question_ids_and_choices(completion_script):
    assert "deploy=" in complete(completion_script, "advisor recommend --answer de")
    assert complete(completion_script, "advisor new x -a deploy=an") == ["android"]  # bash replaces after '='
    assert set(complete(completion_script, "advisor recommend -a hardware=")) == set(load_catalog().hardware)
    assert complete(completion_script, "advisor new x --framework py") == ["pytorch"]
    assert complete(completion_script, "advisor recommend --why-not t") == ["tensorflow"]
    assert "update" in complete(completion_script, "advisor up")


def test_zsh_and_fish_get_their_scripts():
    for shell in ("zsh", "fish"):
        shown = run_advisor("--show-completion", env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1",
                                                       "SHELL": f"/usr/bin/{shell}"})
        assert shown.returncode == 0 and "_ADVISOR_COMPLETE" in shown.stdout and "complete_" + shell in shown.stdout
    for shell in ("zsh", "fish"):
        env = {"_ADVISOR_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": "advisor recommend -a deploy=an",
               "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
        offered = run_advisor(env=env)
        assert offered.returncode == 0 and "deploy=android" in offered.stdout, offered.stdout + offered.stderr


@pytest.mark.parametrize("command", [[], ["rules"], ["new"], ["wizard"], ["update"], ["recommend"], ["smoke"], ["doctor"],
                                     ["questions"], ["rules", "check"]])
def test_help_shows_examples_whole_at_any_width(command):
    for width in (40, 100):
        result = at_width(width, *command, "--help")
        assert result.returncode == 0
        assert "Examples" in result.stdout
        lines = [line.strip() for line in result.stdout.split("Examples", 1)[1].splitlines() if line.strip()]
        assert lines and all(line.startswith("advisor ") for line in lines), (width, lines)
        assert all(shlex.split(line)[0] == "advisor" for line in lines)


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_printed_commands_work_for_paths_with_invisible_characters(tmp_path):
    """A zero-width joiner (family emoji), a newline or ESC in a path: printed visibly, and still a command
    that takes bash to the right folder."""
    for name in ("fam_\U0001F468\u200d\U0001F469\u200d\U0001F467 two", "new\nline", "esc\x1b[31mred"):
        project = tmp_path / name / "proj"
        result = run_advisor("new", str(project), "--no-input", "-a", "task=tabular", "--no-git")
        assert result.returncode == 0, result.stderr
        line = next(line.strip() for line in result.stdout.splitlines() if line.strip().startswith("cd "))
        assert "\x1b" not in line and "\u200d" not in line
        went = subprocess.run(["bash", "-c", f"{line} && pwd -P"], capture_output=True, cwd=tmp_path)
        assert went.returncode == 0, went.stderr
        assert went.stdout.rstrip(b"\n") == os.fsencode(project.resolve())
