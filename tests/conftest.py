import os
import subprocess
import sys
from pathlib import Path

import tempfile

import pytest

from advisor.rules import load_ruleset

# Keep the rule-set cache of every test run (and the CLI subprocesses it starts) out of the home directory.
os.environ["ADVISOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="advisor-test-cache-")
REPO = Path(__file__).resolve().parent.parent
FRAMEWORKS = ["pytorch", "tensorflow"]
TASKS = ["vision", "nlp", "tabular"]


@pytest.fixture(scope="session")
def ruleset():
    return load_ruleset()


def run_advisor(*args: str, cwd: Path | None = None, input: str | None = None, env: dict | None = None):
    """Run the real CLI in a subprocess, as a user would; returns the CompletedProcess."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "advisor", *args],
        cwd=cwd,
        input=input,
        stdin=subprocess.DEVNULL if input is None else None,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=600,
    )


@pytest.fixture
def advisor_cli():
    return run_advisor


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """One project per framework x task, generated through the CLI on default answers otherwise."""
    root = tmp_path_factory.mktemp("generated")
    projects = {}
    for framework in FRAMEWORKS:
        for task in TASKS:
            target = root / f"{framework}-{task}"
            result = run_advisor("new", str(target), "--framework", framework, "-a", f"task={task}", "--no-input")
            assert result.returncode == 0, result.stderr
            projects[framework, task] = target
    return projects
