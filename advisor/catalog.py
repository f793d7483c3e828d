"""The catalogue of facts (templates/project/catalog.yaml): frameworks, hardware, install commands, tasks,
export formats, deployment targets and scales, as frozen typed records.

The template reads the same file (templates/project/local_extensions.py), so a fact has one home.
Loaded once per process; PyYAML is imported only here, never on `advisor recommend`'s path.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from advisor.errors import AdvisorError
from advisor.resources import catalog_path


@dataclass(frozen=True)
class FrameworkFacts:
    id: str
    label: str
    module: str  # the import name, e.g. torch
    imports: tuple[str, ...] = ()  # top-level import names in its projects' environment (framework and tools)


@dataclass(frozen=True)
class HardwareFacts:
    id: str
    label: str
    marker: str | None  # pytest marker of the project's accelerator tests; None for the CPU


@dataclass(frozen=True)
class InstallFacts:
    framework: str
    hardware: str
    note: str
    command: str
    by_os: Mapping[str, str]
    accelerated: bool = True  # False: this framework has no accelerator path on this hardware

    def command_for(self, os_name: str) -> str:
        return self.by_os.get(os_name, self.command)


@dataclass(frozen=True)
class TaskFacts:
    id: str
    template: str  # the template task folder the project starts from
    label: str
    note: str  # set when the task has no template of its own
    single_process: bool = False  # its starter trains in one process: multi-device scales keep no launcher


PARITY_KINDS = ("float", "int8", "reference", "none")


@dataclass(frozen=True)
class FormatFacts:
    id: str
    label: str
    artifact: str
    parity: str  # one of PARITY_KINDS
    tolerance: float
    runtime: str
    dependencies: Mapping[str, tuple[str, ...]]  # framework -> pip requirements of exporter and check
    tools: tuple[str, ...] = ()  # executables outside Python it needs
    source: str | None = None  # the format whose artifact it is made from
    slow: bool = False
    unsupported: Mapping[str, str] = field(default_factory=dict)  # template task -> why it cannot hold its model


@dataclass(frozen=True)
class DeployFacts:
    id: str
    formats: Mapping[str, tuple[str, ...]]  # framework -> formats, the main one first
    browser_training: Mapping[str, tuple[str, ...]]  # framework -> formats added when browser_training=yes

    def formats_for(self, framework: str, browser_training: bool = False) -> tuple[str, ...]:
        """The formats `export` writes by default for a framework."""
        extra = self.browser_training.get(framework, ()) if browser_training else ()
        return self.formats.get(framework, ()) + extra


@dataclass(frozen=True)
class Catalog:
    version: str
    frameworks: Mapping[str, FrameworkFacts]
    hardware: Mapping[str, HardwareFacts]
    install: Mapping[tuple[str, str], InstallFacts]  # (framework, hardware)
    tasks: Mapping[str, TaskFacts]
    formats: Mapping[str, FormatFacts]
    deploy: Mapping[str, DeployFacts]
    scales: Mapping[str, tuple[str, ...]]  # scale -> files it keeps
    baseline_formats: Mapping[str, str]  # framework -> the format every project can write
    common_imports: tuple[str, ...] = ()  # import names in every project's environment

    def shadowed_import(self, package: str, framework: str) -> str | None:
        """The dependency a project package named `package` would shadow in a `framework` project, if any."""
        names = (*self.common_imports, *self.frameworks[framework].imports, self.frameworks[framework].module)
        return next((name for name in names if name.lower() == package.lower()), None)

    def project_formats(self, framework: str, deploy: str, browser_training: bool = False) -> tuple[str, ...]:
        """The formats a project exports: its target's, then the baseline, then what they are made from."""
        names = list(self.deploy[deploy].formats_for(framework, browser_training))
        names.append(self.baseline_formats[framework])
        for name in list(names):
            source = self.formats[name].source
            if source:
                names.append(source)
        return tuple(dict.fromkeys(names))

    def export_gaps(self, framework: str, deploy: str, template_task: str, browser_training: bool = False) -> list[str]:
        """One line per default export format that cannot hold the task's model, saying why."""
        return [
            f"{name}: {self.formats[name].unsupported[template_task]}"
            for name in self.deploy[deploy].formats_for(framework, browser_training)
            if template_task in self.formats[name].unsupported
        ]

    def install_command(self, framework: str, hardware: str, os_name: str) -> str:
        return self.install[framework, hardware].command_for(os_name)

    def marker(self, hardware: str) -> str | None:
        return self.hardware[hardware].marker

    def framework_label(self, framework: str | None) -> str:
        from advisor.decide.rules import framework_label

        return framework_label({key: facts.label for key, facts in self.frameworks.items()}, framework)

    @property
    def template_tasks(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(task.template for task in self.tasks.values()))


class CatalogError(AdvisorError):
    """The catalogue file is missing or malformed: a broken installation, not bad user input."""


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise CatalogError(f"{where}: must be true or false")
    return value


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise CatalogError(f"{where}: must be a mapping")
    return value


def _text(value: Any, where: str, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not value.strip() and not allow_empty):
        raise CatalogError(f"{where}: must be text")
    return value


def _names(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.isidentifier() for item in value):
        raise CatalogError(f"{where}: must be a list of import names")
    return tuple(value)


def parse_catalog(data: Any, source: str = "catalog.yaml") -> Catalog:
    """Build the catalogue from parsed YAML; raises CatalogError naming the entry at fault."""
    root = _mapping(data, source)
    frameworks = {
        key: FrameworkFacts(key, _text(entry.get("label"), f"{source}: frameworks.{key}.label"),
                            _text(entry.get("module"), f"{source}: frameworks.{key}.module"),
                            _names(entry.get("imports", []), f"{source}: frameworks.{key}.imports"))
        for key, entry in _mapping(root.get("frameworks"), f"{source}: frameworks").items()
    }
    hardware = {}
    for key, entry in _mapping(root.get("hardware"), f"{source}: hardware").items():
        marker = entry.get("marker")
        hardware[key] = HardwareFacts(
            key, _text(entry.get("label"), f"{source}: hardware.{key}.label"),
            None if marker is None else _text(marker, f"{source}: hardware.{key}.marker"),
        )
    install: dict[tuple[str, str], InstallFacts] = {}
    for framework, per_hardware in _mapping(root.get("install"), f"{source}: install").items():
        if framework not in frameworks:
            raise CatalogError(f"{source}: install.{framework}: unknown framework")
        for key in hardware:
            where = f"{source}: install.{framework}.{key}"
            entry = _mapping(_mapping(per_hardware, f"{source}: install.{framework}").get(key), where)
            by_os = {str(k): _text(v, f"{where}.os.{k}") for k, v in _mapping(entry.get("os", {}), where).items()}
            accelerated = entry.get("accelerated", True)
            if not isinstance(accelerated, bool):
                raise CatalogError(f"{where}.accelerated: must be true or false")
            install[framework, key] = InstallFacts(
                framework, key, _text(entry.get("note"), f"{where}.note"),
                _text(entry.get("command"), f"{where}.command"), by_os, accelerated,
            )
    tasks = {
        key: TaskFacts(
            key,
            _text(entry.get("template"), f"{source}: tasks.{key}.template"),
            _text(entry.get("label"), f"{source}: tasks.{key}.label"),
            _text(entry.get("note", ""), f"{source}: tasks.{key}.note", allow_empty=True),
            _flag(entry.get("single_process", False), f"{source}: tasks.{key}.single_process"),
        )
        for key, entry in _mapping(root.get("tasks"), f"{source}: tasks").items()
    }
    formats = {}
    for key, entry in _mapping(root.get("formats"), f"{source}: formats").items():
        where = f"{source}: formats.{key}"
        entry = _mapping(entry, where)
        parity = entry.get("parity")
        if parity not in PARITY_KINDS:
            raise CatalogError(f"{where}.parity: must be one of {', '.join(PARITY_KINDS)}")
        tolerance = entry.get("tolerance")
        if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not 0 <= tolerance < 1e6:
            raise CatalogError(f"{where}.tolerance: must be a number >= 0")
        if parity in ("float", "int8") and tolerance <= 0:
            raise CatalogError(f"{where}.tolerance: must be positive for {parity} parity")
        dependencies = {}
        for framework, requirements in _mapping(entry.get("dependencies"), f"{where}.dependencies").items():
            if framework not in frameworks or not isinstance(requirements, list):
                raise CatalogError(f"{where}.dependencies.{framework}: must list requirements of a known framework")
            dependencies[str(framework)] = tuple(_text(r, f"{where}.dependencies.{framework}") for r in requirements)
        tools = entry.get("tools", [])
        if not isinstance(tools, list):
            raise CatalogError(f"{where}.tools: must be a list of executables")
        made_from = entry.get("source")
        slow = entry.get("slow", False)
        if not isinstance(slow, bool):
            raise CatalogError(f"{where}.slow: must be true or false")
        unsupported = {
            str(task): _text(why, f"{where}.unsupported.{task}")
            for task, why in _mapping(entry.get("unsupported", {}), f"{where}.unsupported").items()
        }
        formats[key] = FormatFacts(
            key, _text(entry.get("label"), f"{where}.label"), _text(entry.get("artifact"), f"{where}.artifact"),
            str(parity), float(tolerance), _text(entry.get("runtime"), f"{where}.runtime"), dependencies,
            tuple(_text(t, f"{where}.tools") for t in tools),
            None if made_from is None else _text(made_from, f"{where}.source"), slow, unsupported,
        )
    for key, facts in formats.items():
        if facts.source is not None and facts.source not in formats:
            raise CatalogError(f"{source}: formats.{key}.source: unknown format {facts.source!r}")
    def format_lists(value: Any, where: str, allow_empty: bool = False) -> dict[str, tuple[str, ...]]:
        lists = {}
        for framework, names in _mapping(value, where).items():
            if framework not in frameworks or not isinstance(names, list) or not (names or allow_empty):
                raise CatalogError(f"{where}.{framework}: must list formats of a known framework")
            unknown = [name for name in names if name not in formats]
            if unknown:
                raise CatalogError(f"{where}.{framework}: unknown format {unknown[0]!r}")
            missing = [name for name in names if framework not in formats[name].dependencies]
            if missing:
                raise CatalogError(f"{where}.{framework}: format {missing[0]!r} has no {framework} dependencies entry")
            lists[str(framework)] = tuple(str(name) for name in names)
        return lists

    deploy = {}
    for key, entry in _mapping(root.get("deploy"), f"{source}: deploy").items():
        where = f"{source}: deploy.{key}"
        deploy[key] = DeployFacts(
            key, format_lists(entry.get("formats"), f"{where}.formats"),
            format_lists(entry.get("browser_training", {}), f"{where}.browser_training"),
        )
    baseline = {
        str(framework): _text(name, f"{source}: baseline_formats.{framework}")
        for framework, name in _mapping(root.get("baseline_formats"), f"{source}: baseline_formats").items()
    }
    for framework in frameworks:
        if baseline.get(framework) not in formats:
            raise CatalogError(f"{source}: baseline_formats.{framework}: must name a known format")
    scales = {}
    for key, entry in _mapping(root.get("scales"), f"{source}: scales").items():
        keeps = _mapping(entry, f"{source}: scales.{key}").get("keeps")
        if not isinstance(keeps, list):
            raise CatalogError(f"{source}: scales.{key}.keeps: must be a list of paths")
        scales[key] = tuple(str(path) for path in keeps)
    return Catalog(
        str(root.get("version", "")), frameworks, hardware, install, tasks, formats, deploy, scales, baseline,
        _names(root.get("common_imports", []), f"{source}: common_imports"),
    )


@functools.cache
def load_catalog() -> Catalog:
    import yaml

    path = catalog_path()
    try:
        # The C loader, where PyYAML has it, reads the catalogue several times faster; both are safe loaders.
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as error:
        raise CatalogError(f"{path}: cannot read advisor's catalogue ({error}); reinstall advisor") from None
    return parse_catalog(data, str(path))
