"""Views of a DoctorReport: the JSON document of `doctor --json`, and the rich report for a terminal."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from advisor.catalog import load_catalog
from advisor.machine.detect import suggested_answers
from advisor.machine.doctor import DoctorReport
from advisor.machine.export_check import ExportToolchain, RequirementCheck
from advisor.machine.model import VENDOR_TOOLS, Machine
from advisor.machine.project_check import ProjectCheck
from advisor.machine.verdicts import Finding, Level, hardware_label
from advisor.ui.text import make_console, plain, printable

if TYPE_CHECKING:
    from rich.console import Console

STYLES: dict[Level, str] = {"ok": "green", "info": "cyan", "warn": "yellow", "error": "red"}


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {"level": finding.level, "message": finding.message, "fix": finding.fix}


def export_dict(export: ExportToolchain) -> dict[str, Any]:
    """The project's `export` key: its target's formats, each ready or not here, the tools, and the findings."""
    tools = export.tool_map
    return {
        "framework": export.framework,
        "deploy": export.deploy,
        "browser_training": export.browser_training,
        "python": export.python,
        "ok": export.ok,
        "error": export.error,
        "formats": [
            {
                "format": check.format,
                "label": check.label,
                "ready": check.ready(tools),
                "requirements": [{**asdict(r), "ok": r.ok} for r in check.requirements],
                "tools": list(check.tools),
            }
            for check in export.formats
        ],
        "tools": [{**asdict(tool), "found": tool.found} for tool in export.tools],
        "findings": [finding_dict(f) for f in export.findings],
    }


def project_dict(project: ProjectCheck) -> dict[str, Any]:
    return {
        **asdict(project.target), "ok": project.ok, "findings": [finding_dict(f) for f in project.findings],
        "export": export_dict(project.export) if project.export else None,
    }


def doctor_dict(report: DoctorReport) -> dict[str, Any]:
    """The `doctor --json` document: machine, suggested_answers, distributions, frameworks, findings, project
    (with DIR: the target, its findings and `export`, the deployment target's export toolchain)."""
    machine = report.machine
    facts = asdict(machine)
    facts.pop("frameworks")
    facts.pop("distributions")
    facts["tools"] = [{**asdict(t), "found": t.found, "ok": t.ok} for t in machine.tools]
    facts["hardware"] = list(machine.hardware)
    return {
        "machine": facts,
        "suggested_answers": suggested_answers(machine),
        "distributions": dict(machine.distributions),
        "frameworks": [asdict(f) for f in machine.frameworks],
        "findings": [finding_dict(f) for f in report.findings],
        "project": project_dict(report.project) if report.project else None,
    }


def machine_rows(machine: Machine) -> list[tuple[str, str]]:
    """(label, value) rows of the machine table."""
    os_info = machine.os
    system = f"{os_info.name} ({os_info.version}, {os_info.machine})" + (f", {os_info.wsl}" if os_info.wsl else "")
    rows = [
        ("OS", system + (", Rosetta" if os_info.rosetta else "")),
        ("Python", f"{machine.python.version} {machine.python.implementation} ({machine.python.executable})"),
        ("CPU", f"{machine.cpu.model}, {machine.cpu.cores or '?'} logical cores"),
    ]
    for vendor, tool in VENDOR_TOOLS.items():
        gpus, status = machine.gpus_of(vendor), machine.tool(tool)
        if gpus:
            text = "; ".join(
                g.name + "".join(f", {k} {v}" for k, v in (("driver", g.driver), ("arch", g.arch)) if v)
                + (f", {g.memory_mib} MiB" if g.memory_mib else "")
                for g in gpus
            )
        elif status.found:
            text = f"none ({tool} failed: {status.error})"
        else:
            text = f"none ({tool} not found)"
        rows.append((hardware_label(vendor), text))
    rows.append(("Apple silicon", "yes (MPS)" if machine.apple_silicon else "no"))
    rows.append(("TPU", machine.tpu or "no"))
    for framework in machine.frameworks:
        text = f"{framework.version} ({framework.distribution})"
        if framework.error:
            text += f", check failed: {framework.error}"
        elif framework.probed:
            text += f", {framework.build or 'build ?'} build" if framework.build else ""
            text += ", sees " + ", ".join(framework.sees) if framework.sees else ", no accelerator"
        rows.append((framework.name, text))
    if not machine.frameworks:
        rows.append(("frameworks", "none installed (torch, tensorflow, keras, jax)"))
    return rows


def _print_findings(console: Console, findings: Iterable[Finding]) -> None:
    from rich.table import Table
    from rich.text import Text

    for finding in findings:
        row = Table.grid(padding=(0, 1))  # a hanging indent: wrapped messages stay clear of the level
        row.add_column(width=7, justify="right")
        row.add_column()
        style = STYLES[finding.level]
        row.add_row(
            Text(finding.level.upper(), style=f"bold {style}"),
            Text(printable(finding.message), style="" if finding.level == "ok" else style),
        )
        console.print(row)
        if finding.fix:
            # Plain, unwrapped and unhighlighted, so it can be copied into a shell as is.
            for command in finding.fix.splitlines():
                console.print(f"        {command}", markup=False, highlight=False, soft_wrap=True)


def export_rows(export: ExportToolchain) -> list[tuple[str, str, str]]:
    """(format, ready | missing, what it needs) rows of the export table."""
    tools = export.tool_map
    rows = []
    for check in export.formats:
        needs = [
            f"{r.distribution} {r.version}" if r.ok else f"{r.requirement} ({_requirement_problem(r)})"
            for r in check.requirements
        ]
        for name in check.tools:
            tool = tools[name]
            needs.append(f"{name} {tool.version or 'found'}" if tool.found else f"{name} (not found)")
        state = "ready" if check.ready(tools) else "missing"
        rows.append((check.format, state, ", ".join(needs) or "the framework only"))
    return rows


def _requirement_problem(row: RequirementCheck) -> str:
    if row.version is None:
        return "not installed"
    if row.satisfied is False:
        return f"{row.version} installed"
    return f"{row.version}, module not found"


def _print_export(console: Console, export: ExportToolchain) -> None:
    from rich.table import Table
    from rich.text import Text

    training = ", with browser training" if export.browser_training else ""
    console.print(
        f"\n[bold]Export toolchain[/bold] for deploy={plain(export.deploy)}{plain(training)} "
        f"(packages of {plain(export.python)})",
        highlight=False,
    )
    table = Table(show_header=False, box=None, padding=(0, 1, 0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_column(overflow="fold")
    for name, state, needs in export_rows(export):
        state_text = Text(state, style="green" if state == "ready" else "yellow")
        table.add_row(Text(printable(name)), state_text, Text(printable(needs)))
    console.print(table)
    _print_findings(console, export.findings)


def print_doctor(report: DoctorReport) -> None:
    from rich.table import Table
    from rich.text import Text

    console = make_console()
    table = Table(title="advisor doctor", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for key, value in machine_rows(report.machine):
        table.add_row(key, Text(printable(value)))  # paths and tool output: never read as markup
    console.print(table)
    console.print("[bold]Findings[/bold]")
    _print_findings(console, report.findings)
    project = report.project
    if project is not None:
        target = project.target
        label = load_catalog().framework_label(target.framework)
        console.print(
            f"\n[bold]Project[/bold] {plain(target.path)}: {plain(label)}, "
            f"targets {plain(str(target.hardware))} on {plain(str(target.os))}",
            highlight=False,
        )
        _print_findings(console, project.findings)
        verdict = (
            "[green]this machine can run it[/green]" if project.ok
            else "[red]this machine cannot run it as it is[/red]"
        )
        console.print(f"  {verdict}")
        if project.export is not None:
            _print_export(console, project.export)
