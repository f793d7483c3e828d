import os
import tempfile

import pytest
from hypothesis import settings

# Keep the rule-set cache of every test run (and the CLI subprocesses it starts) out of the home directory.
os.environ["ADVISOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="advisor-test-cache-")

from helpers.cli import FRAMEWORKS, TASKS, run_advisor

from advisor.decide.rules import load_ruleset

# Property tests run a bounded, reproducible number of examples and write no example database into the clone.
settings.register_profile("advisor", max_examples=150, deadline=None, database=None, derandomize=True)
settings.load_profile("advisor")


@pytest.fixture(scope="session")
def ruleset():
    return load_ruleset()


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
