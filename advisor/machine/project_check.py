"""`doctor DIR`: can this machine run a generated project's target (framework, hardware, OS), and export
what its deployment target ships (export_check.py)?

The target comes from the project record (advisor.project.record, the only reader of
.advisor/answers.yaml); its hardware, os, deploy and browser_training answers are validated against the
questionnaire.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from advisor.catalog import load_catalog
from advisor.decide.questions import load_questionnaire
from advisor.errors import InputError
from advisor.machine.export_check import ExportToolchain, check_export
from advisor.machine.frameworks import TORCH_BUILDS
from advisor.machine.installs import tensorflow_install, torch_install
from advisor.machine.model import VENDOR_TOOLS, FrameworkName, Hardware, Machine, is_hardware
from advisor.machine.verdicts import Finding, hardware_label, tensorflow_findings, torch_findings
from advisor.project.record import RECORD_PATH, read_record
from advisor.resources import rules_dir


@dataclass(frozen=True)
class ProjectTarget:
    path: str
    framework: str  # pytorch | tensorflow
    hardware: Hardware
    os: str  # linux | windows | macos
    deploy: str = "none"  # the deployment target: what the project exports
    browser_training: bool = False  # deploy=browser and the model also trains in the browser


@dataclass(frozen=True)
class ProjectCheck:
    target: ProjectTarget
    findings: tuple[Finding, ...]
    export: ExportToolchain | None = None  # the deployment target's export toolchain on this machine

    @property
    def ok(self) -> bool:
        """False when a finding is an error: the project's smoke tests would fail on this machine.

        The export toolchain never counts: a missing exporter skips an export, not a smoke test.
        """
        return not any(f.level == "error" for f in self.findings)


def read_project(directory: Path) -> ProjectTarget:
    """The project's framework and target hardware/OS; InputError naming DIR when it is not a generated project."""
    record = read_record(directory)
    where = Path(directory) / RECORD_PATH
    questionnaire = load_questionnaire(rules_dir())
    target: dict[str, str] = {}

    def answer(key: str) -> str:
        question = questionnaire.get(key)
        try:
            return question.validate(record.answers[key]) if key in record.answers else question.default
        except InputError as error:
            raise InputError(f"DIR: {where}: {error}") from None

    for key in ("hardware", "os", "deploy"):
        target[key] = answer(key)
    hardware = target["hardware"]
    if not is_hardware(hardware):  # the questionnaire offers hardware doctor cannot check: a rules bug
        raise InputError(f"DIR: {where}: hardware: doctor cannot check {hardware!r}")
    deploy = target["deploy"]
    if deploy not in load_catalog().deploy:  # a questionnaire choice the catalogue lacks: a catalogue bug
        raise InputError(f"DIR: {where}: deploy: doctor knows no export formats for {deploy!r}")
    # browser_training is asked only for the browser; elsewhere a recorded answer means nothing.
    browser_training = deploy == "browser" and answer("browser_training") == "yes"
    return ProjectTarget(str(directory), record.framework, hardware, target["os"], deploy, browser_training)


def check_project(machine: Machine, target: ProjectTarget) -> ProjectCheck:
    """Can this machine run the project's target? Error-level findings mean its smoke tests will fail here."""
    hardware = target.hardware
    findings = [_hardware_finding(machine, target), *_os_findings(machine, target)]
    module: FrameworkName = "torch" if target.framework == "pytorch" else "tensorflow"
    installed = machine.framework(module)
    if installed is None:
        line = torch_install(machine, hardware) if module == "torch" else tensorflow_install(machine, hardware)
        findings.append(Finding(
            "error",
            f"the project's framework ({load_catalog().framework_label(target.framework)}) is not installed in "
            "this Python: its smoke tests cannot run",
            line,
        ))
    elif hardware in machine.hardware:
        verdicts = torch_findings(machine, hardware) if module == "torch" else tensorflow_findings(machine, hardware)
        findings.extend(f for f in verdicts if f.level != "info" or f.fix)
    elif module == "torch" and not (installed.build or "").startswith(TORCH_BUILDS.get(hardware, "")):
        # Worth knowing before moving to the target machine: this build would not use its accelerator.
        findings.append(Finding(
            "info", f"torch {installed.version} here is not a {hardware} build; on the target machine:",
            torch_install(machine, hardware),
        ))
    export = check_export(machine, target.path, target.framework, target.deploy, target.browser_training)
    return ProjectCheck(target, tuple(findings), export)


def _hardware_finding(machine: Machine, target: ProjectTarget) -> Finding:
    hardware, label = target.hardware, hardware_label(target.hardware)
    if hardware == "cpu":
        return Finding("ok", "project targets the CPU: any machine can run it")
    if hardware in machine.hardware:
        return Finding("ok", f"project targets {hardware}: {label} found on this machine")
    # A framework without an accelerator path there (the catalogue says) trains on the CPU and skips that test.
    catalog = load_catalog()
    cpu_anyway = not catalog.install[target.framework, hardware].accelerated
    return Finding(
        "warn" if cpu_anyway else "error",
        f"project targets {hardware}; no {label} found{_why_missing(machine, hardware)}: "
        + (f"{catalog.framework_label(target.framework)} trains on the CPU there anyway" if cpu_anyway
           else f"its {catalog.marker(hardware)} smoke test will fail on this machine"),
    )


def _os_findings(machine: Machine, target: ProjectTarget) -> list[Finding]:
    system = machine.os.system
    if target.os == system:
        return []
    wsl_for_windows = target.os == "windows" and machine.os.wsl
    return [Finding(
        "info" if wsl_for_windows else "warn",
        f"project targets {target.os}; this machine runs {machine.os.wsl or system}"
        + (" (Linux inside Windows: the recommended route for TensorFlow's GPU)" if wsl_for_windows else ""),
    )]


def _why_missing(machine: Machine, hardware: Hardware) -> str:
    # A lookup by vendor: Hardware is the wider vocabulary, so a plain .get() does not type-check.
    tool = next((name for vendor, name in VENDOR_TOOLS.items() if vendor == hardware), None)
    if tool is None:
        return f" (this is {machine.os.name}, {machine.os.machine})" if hardware == "apple" else ""
    status = machine.tool(tool)
    if not status.found:
        return f" ({tool} not found)"
    return f" ({tool} failed: {status.error})" if status.error else ""
