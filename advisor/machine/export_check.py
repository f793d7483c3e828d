"""`doctor DIR`'s export section: can this machine export what the project's deployment target ships?

For each format the project writes (Catalog.project_formats: its target's, the baseline, what they are made
from), the catalogue's pip requirements are looked up in the interpreter doctor checks (metadata for the
version, importlib.util.find_spec for the module: nothing is imported), and its executables (node, npm,
edgetpu_compiler, trtexec) on PATH, node and friends with their versions. Every missing piece comes with
the command that fixes it. A missing piece skips an export; it never stops the project's smoke tests, so
these findings are warnings at most and never fail doctor.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from advisor.catalog import Catalog, load_catalog
from advisor.machine.frameworks import PROBES_DIR, marked_json
from advisor.machine.model import Machine
from advisor.machine.system import run, which
from advisor.machine.verdicts import Finding, Level
from advisor.text import shell_quote

MODULES_PROBE = PROBES_DIR / "modules_probe.py"
TOOL_TIMEOUT_S = 10.0  # npm --version takes a second or two on a cold Windows machine
PIP_EXTRA = "export"  # the generated project's extra that holds every format's requirements
EDGETPU_COMPILER_DOCS = "https://coral.ai/docs/edgetpu/compiler/"
TENSORRT_DOCS = "https://docs.nvidia.com/deeplearning/tensorrt/latest/installing-tensorrt/installing.html"
NODE_DOWNLOAD = "https://nodejs.org/en/download"
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*([^;]*)")
_VERSION = re.compile(r"\d+(?:\.\d+)+")


@dataclass(frozen=True)
class ToolFacts:
    """What doctor knows about an executable a format needs."""

    purpose: str  # what it does for the export, in a few words
    missing_level: Level  # warn: an export or check is skipped here; info: it is meant to run elsewhere
    version_args: tuple[str, ...] = ()  # the arguments that print its version, when it has them
    fallbacks: tuple[str, ...] = ()  # where installers put it when not on PATH (read under ADVISOR_DETECT_ROOT)


TOOLS: dict[str, ToolFacts] = {
    "node": ToolFacts("runs the exported model under Node.js (onnxruntime-node, @tensorflow/tfjs)", "warn",
                      ("--version",)),
    "npm": ToolFacts("installs onnxruntime-node and @tensorflow/tfjs for those checks", "warn", ("--version",)),
    "edgetpu_compiler": ToolFacts("compiles the int8 .tflite for the Edge TPU", "warn", ("--version",)),
    # trtexec is not a pip wheel's: the TensorRT engine is built on the NVIDIA device, where JetPack has it.
    "trtexec": ToolFacts("builds and times the TensorRT engine on the NVIDIA device", "info",
                         fallbacks=("/usr/src/tensorrt/bin/trtexec",)),
}


@dataclass(frozen=True)
class PlatformNote:
    """A fact about where a format's exporter or check runs, keyed by a requirement or a format."""

    key: str  # a distribution name or a format id
    systems: tuple[str, ...]  # where it works fully (OSInfo.system values)
    level: Level
    message: str


PLATFORM_NOTES = (
    PlatformNote("coreml", ("macos",), "info",
                 "Core ML converts here, but a Core ML model predicts only on macOS: its parity check is skipped "
                 "on this machine (run the export on a Mac to check it)"),
    PlatformNote("litert-torch", ("linux",), "warn",
                 "litert-torch supports Linux only: export the .tflite formats on Linux (or in WSL2 on Windows)"),
)


@dataclass(frozen=True)
class RequirementCheck:
    """One pip requirement of a format, as found in the checked interpreter."""

    requirement: str  # as the catalogue writes it, e.g. "executorch==1.4.1"
    distribution: str
    version: str | None = None  # None: not installed
    importable: bool = False  # its top-level module is found (find_spec; nothing imported)
    satisfied: bool | None = None  # the version meets the requirement; None when that cannot be told

    @property
    def ok(self) -> bool:
        return self.version is not None and self.importable and self.satisfied is not False


@dataclass(frozen=True)
class ToolCheck:
    tool: str
    path: str | None = None
    version: str | None = None
    error: str | None = None  # it was found but its version call failed
    on_path: bool = False  # False when found only where its installer puts it

    @property
    def found(self) -> bool:
        return self.path is not None


@dataclass(frozen=True)
class FormatCheck:
    format: str
    label: str
    requirements: tuple[RequirementCheck, ...]
    tools: tuple[str, ...]

    def ready(self, tools: Mapping[str, ToolCheck]) -> bool:
        """Every requirement installed and every tool found: this format can be exported (and checked) here."""
        return all(r.ok for r in self.requirements) and all(tools[t].found for t in self.tools)


@dataclass(frozen=True)
class ExportToolchain:
    framework: str
    deploy: str
    browser_training: bool
    python: str  # the interpreter whose packages were looked up
    formats: tuple[FormatCheck, ...]
    tools: tuple[ToolCheck, ...]
    findings: tuple[Finding, ...]
    error: str | None = None  # the interpreter could not be asked

    @property
    def tool_map(self) -> dict[str, ToolCheck]:
        return {tool.tool: tool for tool in self.tools}

    @property
    def ok(self) -> bool:
        """Every format of the target can be exported here."""
        tools = self.tool_map
        return self.error is None and all(f.ready(tools) for f in self.formats)


def parse_requirement(text: str) -> tuple[str, str]:
    """(distribution, version specifier) of a pip requirement; extras and markers dropped."""
    match = _REQUIREMENT.match(text)
    if match is None:
        return text.strip(), ""
    return match.group(1), match.group(2).strip()


def version_satisfies(version: str, specifier: str) -> bool | None:
    """Whether `version` meets `specifier` (PEP 440, via packaging); None when that cannot be told."""
    if not specifier:
        return True
    try:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet
        from packaging.version import InvalidVersion, Version
    except ImportError:  # packaging ships with pip's environments, but advisor does not require it
        return None
    try:
        return SpecifierSet(specifier).contains(Version(version), prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return None





def distribution_facts(
    names: Iterable[str], python: str | None = None
) -> tuple[dict[str, tuple[str, bool]], str | None]:
    """({distribution: (version, importable)} of those installed, why the interpreter could not be asked).

    In this process for this interpreter; otherwise probes/modules_probe.py answers in `python`.
    """
    names = list(dict.fromkeys(names))
    if python is None or python == sys.executable:
        from advisor.machine.probes.modules_probe import facts  # the probe's own code, run in this process

        return {name: (str(entry["version"]), bool(entry["importable"])) for name, entry in facts(names).items()}, None
    if not names:
        return {}, None
    out, error = run([python, str(MODULES_PROBE), *names])
    data = marked_json(out)
    if data is None:
        return {}, error or "the probe printed no result"
    return {
        str(name): (str(entry.get("version")), bool(entry.get("importable")))
        for name, entry in data.items()
        if name in names and isinstance(entry, dict) and entry.get("version")
    }, None


def check_tool(name: str) -> ToolCheck:
    """Where `name` is (PATH first, then where its installer puts it) and, when it says, its version."""
    facts = TOOLS.get(name)
    on_path = shutil.which(name)
    path = on_path or which(name, facts.fallbacks if facts else ())
    if path is None:
        return ToolCheck(name)
    version = error = None
    if facts and facts.version_args:
        out, error = run([path, *facts.version_args], TOOL_TIMEOUT_S)
        line = next((text.strip() for text in (out or "").splitlines() if text.strip()), "")
        match = _VERSION.search(line)
        version = (match.group(0) if match else line[:80]) or None
    return ToolCheck(name, path, version, error, on_path is not None)


def check_export(
    machine: Machine, directory: str, framework: str, deploy: str, browser_training: bool = False,
    catalog: Catalog | None = None,
) -> ExportToolchain:
    """The export toolchain of a project's target on this machine, with a finding (and fix) per missing piece."""
    catalog = catalog or load_catalog()
    names = catalog.project_formats(framework, deploy, browser_training)
    requirements = {name: catalog.formats[name].dependencies.get(framework, ()) for name in names}
    parsed = {text: parse_requirement(text) for texts in requirements.values() for text in texts}
    tool_names = list(dict.fromkeys(tool for name in names for tool in catalog.formats[name].tools))
    python = machine.python.executable
    with ThreadPoolExecutor(max_workers=len(tool_names) + 1) as pool:
        tool_futures = [pool.submit(check_tool, tool) for tool in tool_names]
        found, error = distribution_facts(
            (dist for dist, _ in parsed.values()), None if python == sys.executable else python
        )
        tools = tuple(future.result() for future in tool_futures)
    checks = []
    for name in names:
        rows = []
        for text in requirements[name]:
            distribution, specifier = parsed[text]
            version, importable = found.get(distribution, (None, False))
            satisfied = None if version is None else version_satisfies(version, specifier)
            rows.append(RequirementCheck(text, distribution, version, importable, satisfied))
        facts = catalog.formats[name]
        checks.append(FormatCheck(name, facts.label, tuple(rows), facts.tools))
    toolchain = ExportToolchain(framework, deploy, browser_training, python, tuple(checks), tools, (), error)
    findings = export_findings(machine, toolchain, directory)
    return ExportToolchain(framework, deploy, browser_training, python, tuple(checks), tools, tuple(findings), error)


def pip_fix(directory: str, windows: bool = False) -> str:
    """Install the project's export extra, from the project folder."""
    if windows:
        folder = f'"{directory}"' if re.search(r'[\s&()^|<>"]', directory) else directory
    else:
        folder = shell_quote(directory)
    return f'cd {folder} && pip install -e ".[{PIP_EXTRA}]"'


def tool_fix(tool: str, machine: Machine) -> str | None:
    """The command (or, where there is none, a commented pointer) that installs `tool` on this machine."""
    system = machine.os.system
    if tool in ("node", "npm"):
        if system == "macos":
            return "brew install node"
        return f"# install Node.js LTS (it includes npm): {NODE_DOWNLOAD}"
    if tool == "edgetpu_compiler":
        apt = (
            "curl https://packages.cloud.google.com/apt/doc/apt-key.gpg | sudo apt-key add -\n"
            'echo "deb https://packages.cloud.google.com/apt coral-edgetpu-stable main" '
            "| sudo tee /etc/apt/sources.list.d/coral-edgetpu.list\n"
            "sudo apt-get update\n"
            "sudo apt-get install edgetpu-compiler"
        )
        if system == "linux" and machine.os.machine.lower() in ("x86_64", "amd64"):
            return apt
        return (
            f"# edgetpu_compiler runs only on x86-64 Debian-based Linux ({EDGETPU_COMPILER_DOCS});"
            " on such a machine (or an x86-64 Debian container):\n" + apt
        )
    if tool == "trtexec":
        return (
            "# trtexec comes with TensorRT (not with its pip wheel). On a Jetson, JetPack installs it in "
            "/usr/src/tensorrt/bin:\n"
            "sudo apt-get install nvidia-jetpack\n"
            f"# elsewhere: {TENSORRT_DOCS}"
        )
    return None


def export_findings(machine: Machine, toolchain: ExportToolchain, directory: str) -> list[Finding]:
    """One finding per missing piece (with its fix), one per platform limit, and what is there."""
    python = toolchain.python
    if toolchain.error is not None:
        return [Finding("warn", f"cannot ask {python} about the export packages: {toolchain.error}")]
    findings: list[Finding] = []
    fix = pip_fix(directory, machine.os.system == "windows")
    needed_by: dict[str, list[str]] = {}
    rows: dict[str, RequirementCheck] = {}
    for check in toolchain.formats:
        for row in check.requirements:
            needed_by.setdefault(row.distribution, []).append(check.format)
            rows.setdefault(row.distribution, row)
    missing = [name for name, row in rows.items() if row.version is None]
    if missing:
        needing = ", ".join(dict.fromkeys(f for name in missing for f in needed_by[name]))
        findings.append(Finding(
            "warn", f"export packages not installed in {python}: {', '.join(missing)} (for {needing})", fix
        ))
    for name, row in rows.items():
        formats = ", ".join(dict.fromkeys(needed_by[name]))
        if row.version is not None and row.satisfied is False:
            findings.append(Finding(
                "warn", f"{name} {row.version} does not meet {row.requirement} (for {formats})", fix
            ))
        elif row.version is not None and not row.importable:
            findings.append(Finding(
                "warn", f"{name} {row.version} is installed but its module cannot be found (for {formats})",
                f'pip install --force-reinstall "{row.requirement}"',
            ))
    installed = [f"{name} {row.version}" for name, row in rows.items() if row.ok]
    if rows and len(installed) == len(rows):
        findings.append(Finding("ok", "export packages installed: " + ", ".join(installed)))
    tools = toolchain.tool_map
    for tool in tools.values():
        users = ", ".join(check.format for check in toolchain.formats if tool.tool in check.tools)
        facts = TOOLS.get(tool.tool, ToolFacts("needed by the export", "warn"))
        if not tool.found:
            findings.append(Finding(
                facts.missing_level, f"{tool.tool} not found (for {users}: it {facts.purpose})",
                tool_fix(tool.tool, machine),
            ))
            continue
        where = tool.path or ""
        if tool.error:
            findings.append(Finding("warn", f"{tool.tool} at {where} failed: {tool.error}"))
        elif not tool.on_path:
            folder = str(Path(where).parent)
            path_fix = (f'set PATH={folder};%PATH%' if machine.os.system == "windows"
                        else f'export PATH="{folder}:$PATH"')
            findings.append(Finding("info", f"{tool.tool} found at {where}, not on PATH", path_fix))
        else:
            version = f" {tool.version}" if tool.version else ""
            findings.append(Finding("ok", f"{tool.tool}{version} ({where})"))
    findings.extend(_platform_findings(machine, toolchain, rows))
    return findings


def _platform_findings(
    machine: Machine, toolchain: ExportToolchain, rows: Mapping[str, RequirementCheck]
) -> list[Finding]:
    formats = {check.format for check in toolchain.formats}
    return [
        Finding(note.level, note.message)
        for note in PLATFORM_NOTES
        if (note.key in formats or note.key in rows) and machine.os.system not in note.systems
    ]
