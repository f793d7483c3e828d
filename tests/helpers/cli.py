"""Run the real advisor CLI in a subprocess, as a user would."""

import os
import subprocess
import sys
from pathlib import Path

from advisor.catalog import load_catalog

FRAMEWORKS = list(load_catalog().frameworks)
TASKS = list(load_catalog().template_tasks)


def run_advisor(*args: str, cwd: Path | None = None, input: str | None = None, env: dict | None = None):
    """Run `python -m advisor ARGS`; returns the CompletedProcess."""
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
        check=False,
    )
