"""Run a generated project's smoke tests and report every pass, failure and skip with its reason."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from advisor.errors import AdvisorError, InputError
from advisor.project.record import RECORD_PATH, read_record

Outcome = Literal["passed", "failed", "error", "skipped"]

QUIET_FRAMEWORK_LOGS = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


@dataclass(frozen=True)
class TestResult:
    name: str
    outcome: Outcome
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
    framework: str | None = None  # from the project record, when it has one
    hardware: str | None = None

    def count(self, *outcomes: Outcome) -> int:
        return sum(1 for test in self.tests if test.outcome in outcomes)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.count("failed", "error") == 0 and bool(self.tests)

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "python": self.python,
            "framework": self.framework,
            "hardware": self.hardware,
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
    framework = hardware = None
    if (project / RECORD_PATH).is_file():
        # The record only labels the report: a project whose record is damaged still gets its tests run.
        with contextlib.suppress(InputError):
            record = read_record(project)
            framework, hardware = record.framework, record.answers.get("hardware")
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
                command, cwd=project, capture_output=True, text=True, check=False,
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
    return SmokeReport(str(project), python, completed.returncode, duration, tests, output, framework, hardware)


def parse_junit(text: str) -> tuple[TestResult, ...]:
    results = []
    for case in ElementTree.fromstring(text).iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '')}".lstrip(":")
        outcome: Outcome = "passed"
        message = ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = "failed" if child.tag == "failure" else "error" if child.tag == "error" else "skipped"
                message = _first_line(child.get("message") or child.text or "")
                break
        results.append(TestResult(name, outcome, float(case.get("time") or 0), message))
    return tuple(results)


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " ".join(lines[:3])[:500]

