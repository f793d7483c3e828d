"""The catalogue of facts (templates/project/catalog.yaml): frameworks, hardware, install commands, tasks,
export formats, deployment targets and scales, as frozen typed records.

The template reads the same file (templates/project/local_extensions.py), so a fact has one home.
Loaded once per process; PyYAML is imported only here, never on `advisor recommend`'s path.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from advisor.errors import AdvisorError
from advisor.resources import catalog_path


@dataclass(frozen=True)
class FrameworkFacts:
    id: str
    label: str
    module: str  # the import name, e.g. torch


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


@dataclass(frozen=True)
class FormatFacts:
    id: str
    label: str
    artifact: str
    tolerance: float
    runtime: str


@dataclass(frozen=True)
class DeployFacts:
    id: str
    formats: Mapping[str, tuple[str, ...]]  # framework -> formats, the default first
    native: Mapping[str, str]  # framework -> what the target really runs, when not generated yet


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


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise CatalogError(f"{where}: must be a mapping")
    return value


def _text(value: Any, where: str, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not value.strip() and not allow_empty):
        raise CatalogError(f"{where}: must be text")
    return value


def parse_catalog(data: Any, source: str = "catalog.yaml") -> Catalog:
    """Build the catalogue from parsed YAML; raises CatalogError naming the entry at fault."""
    root = _mapping(data, source)
    frameworks = {
        key: FrameworkFacts(key, _text(entry.get("label"), f"{source}: frameworks.{key}.label"),
                            _text(entry.get("module"), f"{source}: frameworks.{key}.module"))
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
        )
        for key, entry in _mapping(root.get("tasks"), f"{source}: tasks").items()
    }
    formats = {}
    for key, entry in _mapping(root.get("formats"), f"{source}: formats").items():
        tolerance = entry.get("tolerance")
        if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or tolerance <= 0:
            raise CatalogError(f"{source}: formats.{key}.tolerance: must be a positive number")
        formats[key] = FormatFacts(
            key, _text(entry.get("label"), f"{source}: formats.{key}.label"),
            _text(entry.get("artifact"), f"{source}: formats.{key}.artifact"), float(tolerance),
            _text(entry.get("runtime"), f"{source}: formats.{key}.runtime"),
        )
    deploy = {}
    for key, entry in _mapping(root.get("deploy"), f"{source}: deploy").items():
        where = f"{source}: deploy.{key}"
        per_framework = {}
        for framework, names in _mapping(entry.get("formats"), f"{where}.formats").items():
            if framework not in frameworks or not isinstance(names, list) or not names:
                raise CatalogError(f"{where}.formats.{framework}: must list formats of a known framework")
            unknown = [name for name in names if name not in formats]
            if unknown:
                raise CatalogError(f"{where}.formats.{framework}: unknown format {unknown[0]!r}")
            per_framework[str(framework)] = tuple(str(name) for name in names)
        native = {str(k): _text(v, f"{where}.native.{k}") for k, v in _mapping(entry.get("native", {}), where).items()}
        deploy[key] = DeployFacts(key, per_framework, native)
    scales = {}
    for key, entry in _mapping(root.get("scales"), f"{source}: scales").items():
        keeps = _mapping(entry, f"{source}: scales.{key}").get("keeps")
        if not isinstance(keeps, list):
            raise CatalogError(f"{source}: scales.{key}.keeps: must be a list of paths")
        scales[key] = tuple(str(path) for path in keeps)
    return Catalog(
        str(root.get("version", "")), frameworks, hardware, install, tasks, formats, deploy, scales
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
