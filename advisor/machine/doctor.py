"""`advisor doctor`: detect this machine, judge it, and optionally check a generated project against it.

Returns a DoctorReport and nothing else: it never prints and never chooses an exit code (the CLI does both,
as for smoke). A bad DIR raises InputError before any probing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from advisor.machine.detect import detect_machine
from advisor.machine.model import Machine
from advisor.machine.project_check import ProjectCheck, check_project, read_project
from advisor.machine.verdicts import Finding, diagnose


@dataclass(frozen=True)
class DoctorReport:
    machine: Machine
    findings: tuple[Finding, ...]
    project: ProjectCheck | None = None

    @property
    def ok(self) -> bool:
        """No project was checked, or this machine can run it as it is.

        Machine findings never make a report fail: doctor reports, and its findings say what to fix. A
        project check fails when its smoke tests would fail here.
        """
        return self.project is None or self.project.ok


def run_doctor(directory: Path | None, python: str | None = None) -> DoctorReport:
    """Detect and judge; `python` is the interpreter whose frameworks are checked (default: this one)."""
    target = read_project(Path(directory)) if directory is not None else None
    machine = detect_machine(probe_frameworks=True, python=python)
    project = check_project(machine, target) if target is not None else None
    return DoctorReport(machine, tuple(diagnose(machine)), project)
