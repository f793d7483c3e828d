"""The wizard in a real pseudo-terminal, driven by pexpect as a person would type."""

import os
import re
import shlex
import subprocess
import sys

import pexpect
import pytest
from helpers.trees import tree_bytes

ENTER, DOWN, CTRL_C, BACKSPACE = "\r", "\x1b[B", "\x03", "\x7f"
QUESTION_IDS = ["goal", "deploy", "browser_training", "hardware", "os", "scale", "task", "experience",
                "pretrained", "existing_stack"]
ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]")


def spawn(tmp_path, *args, env=None):
    full_env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "NO_COLOR": "1", **(env or {})}
    child = pexpect.spawn(sys.executable, ["-m", "advisor", *args], cwd=str(tmp_path), env=full_env,
                          encoding="utf-8", timeout=30, dimensions=(50, 160))
    return child


def answer_questions(child, overrides=None) -> list[str]:
    """Answer each question as it comes (Enter, or the keys in `overrides` by question id) until the
    recommendation. Returns the ids asked, in order. A prompt is matched by its instruction line,
    which shows only while it is active (an answered prompt is redrawn without it)."""
    overrides = overrides or {}
    patterns = [re.escape(f"({qid}; arrows") for qid in QUESTION_IDS] + ["advisor recommends"]
    asked = []
    while True:
        index = child.expect(patterns)
        if index == len(QUESTION_IDS):
            return asked
        asked.append(QUESTION_IDS[index])
        child.send(overrides.get(QUESTION_IDS[index], ENTER))


def finish(child, smoke="n", expect_after_smoke=None):
    child.expect("Which framework should the project use")
    child.send(ENTER)
    child.expect("Project name")
    child.send(ENTER)
    child.expect("Create the project in")
    child.send(ENTER)
    child.expect("description")
    child.send(ENTER)
    child.expect("Run the smoke tests now")
    child.send(smoke)
    if expect_after_smoke:
        child.expect(expect_after_smoke, timeout=240)
    child.expect("To repeat this without questions:")
    child.expect(pexpect.EOF)
    child.close()
    return ANSI.sub("", child.before)


def test_all_defaults_generate_a_project_and_print_the_repeat_command(tmp_path):
    child = spawn(tmp_path, "wizard")
    asked = answer_questions(child)
    assert asked == [qid for qid in QUESTION_IDS if qid != "browser_training"]
    tail = finish(child, smoke="y", expect_after_smoke="smoke OK")
    assert child.exitstatus == 0
    project = tmp_path / "my-dl-project"
    assert (project / "pyproject.toml").is_file()
    lines = [line.strip() for line in tail.strip().splitlines() if line.strip()]
    assert len(lines) == 1, lines  # the repeat command is one line, to copy whole from any terminal
    words = shlex.split(lines[0])
    assert words[:4] == ["advisor", "new", "my-dl-project", "--no-input"]
    # The printed command, run elsewhere, reproduces the same tree.
    again = tmp_path / "again"
    again.mkdir()
    words[2] = "my-dl-project"
    result = subprocess.run([sys.executable, "-m", "advisor", *words[1:]], cwd=again, capture_output=True,
                            text=True, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert tree_bytes(project) == tree_bytes(again / "my-dl-project")


def test_conditional_question_appears_only_for_the_browser(tmp_path):
    child = spawn(tmp_path, "wizard")
    asked = answer_questions(child, {"deploy": DOWN * 5 + ENTER})  # none, server, ..., browser
    assert asked[1:3] == ["deploy", "browser_training"]
    finish(child)
    assert child.exitstatus == 0

    other = tmp_path / "other"
    other.mkdir()
    child = spawn(other, "wizard")
    asked = answer_questions(child, {"deploy": DOWN + ENTER})  # server
    assert "browser_training" not in asked
    finish(child)
    assert child.exitstatus == 0


def test_invalid_name_is_re_asked(tmp_path):
    child = spawn(tmp_path, "wizard")
    answer_questions(child)
    child.expect("Which framework should the project use")
    child.send(ENTER)
    child.expect("Project name")
    child.send(BACKSPACE * 20 + "123" + ENTER)
    child.expect("must start with a letter")
    child.send(BACKSPACE * 3 + "cats" + ENTER)
    child.expect("Create the project in")
    child.send(ENTER)
    child.expect("description")
    child.send(ENTER)
    child.expect("Run the smoke tests now")
    child.send("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and (tmp_path / "cats" / "pyproject.toml").is_file()


@pytest.mark.parametrize("stop_at", ["What is the project for", "Create the project in"])
def test_ctrl_c_exits_130_and_writes_nothing(tmp_path, stop_at):
    child = spawn(tmp_path, "wizard")
    if stop_at == "What is the project for":
        child.expect(re.escape("(goal; arrows"))
    else:
        answer_questions(child)
        child.expect("Which framework should the project use")
        child.send(ENTER)
        child.expect("Project name")
        child.send(ENTER)
        child.expect(stop_at)
    child.send(CTRL_C)
    child.expect("aborted, nothing written")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert list(tmp_path.iterdir()) == []


def test_new_on_a_terminal_asks_only_what_flags_left_open(tmp_path):
    given = ["-a", "goal=research", "-a", "deploy=server", "-a", "hardware=cpu", "-a", "os=linux",
             "-a", "scale=single", "-a", "task=nlp", "-a", "experience=pytorch", "-a", "pretrained=no"]
    child = spawn(tmp_path, "new", "proj", *given, "--name", "proj", "--description", "x")
    assert answer_questions(child) == ["existing_stack"]  # the one question the flags left open
    child.expect("Which framework should the project use")
    child.send(ENTER)
    child.expect("Run the smoke tests now")
    child.send("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and (tmp_path / "proj" / "src" / "proj").is_dir()


@pytest.mark.parametrize("command", [["wizard"], ["new", "p"]])
def test_without_a_terminal_exits_2_at_once(tmp_path, command):
    result = subprocess.run([sys.executable, "-m", "advisor", *command], cwd=tmp_path, capture_output=True,
                            text=True, stdin=subprocess.DEVNULL, timeout=30)
    assert result.returncode == 2
    assert "pass --no-input" in result.stderr and "--answers FILE" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_hardware_default_comes_from_detection(tmp_path):
    """With an NVIDIA GPU visible (a fake nvidia-smi on PATH), Enter on the hardware question picks nvidia."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    tool = bin_dir / "nvidia-smi"
    tool.write_text("#!/bin/sh\necho 'NVIDIA H100 80GB HBM3, 550.54.15, 81559, 9.0'\n")
    tool.chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    child = spawn(work, "wizard", env={"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"})
    answer_questions(child)
    tail = finish(child)
    assert child.exitstatus == 0
    assert "--answer hardware=nvidia" in " ".join(tail.split())


SPACE = " "


def test_wizard_on_an_existing_project_asks_what_changes_and_updates_it(tmp_path):
    made = subprocess.run([sys.executable, "-m", "advisor", "new", "proj", "--no-input", "-a", "task=tabular"],
                          cwd=tmp_path, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert made.returncode == 0, made.stderr
    child = spawn(tmp_path, "wizard", "proj")
    child.expect("is an advisor project")
    child.expect("Which answers should change")
    child.send(DOWN + SPACE + ENTER)  # the second answer: deploy
    child.expect(re.escape("(deploy; arrows"))
    child.send(DOWN * 3 + ENTER)  # none, server, batch, android
    child.expect("advisor recommends")
    child.expect("would merge cleanly")
    child.expect("Apply the update")
    child.send("y")
    child.expect("Updated")
    child.expect("Run the smoke tests now")
    child.send("n")
    child.expect("To repeat this without questions:")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, ANSI.sub("", child.before)
    tail = " ".join(ANSI.sub("", child.before).split())
    assert shlex.split(tail) == ["advisor", "update", "proj", "--answer", "deploy=android"]
    assert (tmp_path / "proj" / "src" / "proj" / "export" / "executorch.py").is_file()
    assert 'deploy: "android"' in (tmp_path / "proj" / ".advisor" / "answers.yaml").read_text()
