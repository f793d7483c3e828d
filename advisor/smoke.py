"""Run a generated project's smoke tests and report every pass, failure and skip with its reason."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

from advisor.errors import AdvisorError, InputError

QUIET_FRAMEWORK_LOGS = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


@dataclass(frozen=True)
class TestResult:
    name: str
    outcome: str  # passed | failed | error | skipped
    duration_s: float
    message: str = ""


@dataclass(frozen=True)
class SmokeReport:
    project: str
    python: str
    returncode: int
    duration_s: float
    tests: tuple[TestResult, ...] = field(default_factory=tuple)
    output: str = ""

    def count(self, *outcomes: str) -> int:
        return sum(1 for test in self.tests if test.outcome in outcomes)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.count("failed", "error") == 0 and bool(self.tests)

    def to_dict(self) -> dict:
        return {
            "project": self.project,
            "python": self.python,
            "ok": self.ok,
            "passed": self.count("passed"),
            "failed": self.count("failed", "error"),
            "skipped": self.count("skipped"),
            "duration_s": round(self.duration_s, 2),
            "returncode": self.returncode,
            "tests": [
                {"name": t.name, "outcome": t.outcome, "duration_s": round(t.duration_s, 3), "message": t.message}
                for t in self.tests
            ],
        }


def run_smoke(project: Path, python: str | None = None, marker: str = "smoke") -> SmokeReport:
    project = Path(project).resolve()
    if not (project / "tests").is_dir() or not (project / "pyproject.toml").is_file():
        raise InputError(f"DIR: {project} is not a generated project (needs pyproject.toml and tests/)")
    python = python or sys.executable
    if not Path(python).exists() and shutil.which(python) is None:
        raise InputError(f"--python: {python} not found")
    with tempfile.TemporaryDirectory(prefix="advisor-smoke-") as scratch:
        report_file = Path(scratch) / "junit.xml"
        command = [
            python, "-m", "pytest", "-m", marker, "-p", "no:cacheprovider", "-q",
            f"--junitxml={report_file}", "-o", "junit_family=xunit1",
        ]
        started = time.perf_counter()
        try:
            completed = subprocess.run(
                command, cwd=project, capture_output=True, text=True,
                env={**os.environ, **QUIET_FRAMEWORK_LOGS},
            )
        except OSError as error:
            raise InputError(f"--python: cannot run {python}: {error.strerror}") from None
        duration = time.perf_counter() - started
        output = completed.stdout + completed.stderr
        if not report_file.exists():
            tail = " | ".join(output.strip().splitlines()[-3:])
            raise AdvisorError(f"smoke: pytest did not run in {project} with {python}: {tail}")
        tests = parse_junit(report_file.read_text(encoding="utf-8"))
    return SmokeReport(str(project), python, completed.returncode, duration, tests, output)


def parse_junit(text: str) -> tuple[TestResult, ...]:
    results = []
    for case in ElementTree.fromstring(text).iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '')}".lstrip(":")
        outcome, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = {"failure": "failed"}.get(child.tag, child.tag)
                message = _first_line(child.get("message") or child.text or "")
                break
        results.append(TestResult(name, outcome, float(case.get("time") or 0), message))
    return tuple(results)


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " ".join(lines[:3])[:500]

