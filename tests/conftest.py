import os
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.rules import load_ruleset

REPO = Path(__file__).resolve().parent.parent


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
        capture_output=True,
        text=True,
        env=full_env,
        timeout=600,
    )


@pytest.fixture
def advisor_cli():
    return run_advisor
