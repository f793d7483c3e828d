"""What `advisor new` prints once the project exists: what was made, why that framework, what to run next."""

from __future__ import annotations

import shlex

from advisor.catalog import load_catalog
from advisor.project.create import CreatedProject
from advisor.ui.text import plain, printable


def print_generated(created: CreatedProject) -> None:
    from rich.console import Console

    console = Console()
    plan, path = created.plan, created.path
    rec = plan.recommendation
    settings = plan.settings
    label = rec.label
    if plan.override:
        pick = f"{label(plan.framework)} (your choice; advisor recommended {label(rec.framework)})"
    elif settings.framework_choice == "auto":
        pick = f"{label(plan.framework)} (recommended, confidence {rec.confidence})"
    else:
        pick = f"{label(plan.framework)} (your choice, also the recommendation)"
    console.print(f"[green]Created[/green] {plain(str(path))}")
    console.print(f"  framework: {plain(pick)}")
    console.print(
        f"  project:   {plain(settings.slug)} (package {plain(settings.package)}), "
        f"task template {plain(plan.template_task)}"
    )
    if plan.task_note:
        console.print(f"  [yellow]note:[/yellow] {plain(plan.task_note)}")
    for gap in plan.export_gaps:
        console.print(f"  [yellow]export:[/yellow] {plain(gap)}")
    if rec.facts.defaulted:
        console.print(
            "  defaulted: " + ", ".join(f"{q}={rec.facts.answers[q]}" for q in rec.facts.defaulted),
            style="dim", markup=False,
        )
    console.print("  decision record: docs/DECISION.md; replay: .advisor/answers.yaml")
    vcs = created.version_control
    if vcs.detail:
        style = "yellow" if vcs.kind == "none" else None
        console.print(f"  git:       {plain(vcs.detail)}", style=style)
    console.print("\nNext:")
    console.print(f"  cd {printable(shlex.quote(str(path)))}", markup=False, soft_wrap=True)
    # The framework first, built for the hardware: installing the project alone would let pip pick a
    # default build (on Linux, PyTorch's multi-GB CUDA wheel even for a CPU project).
    install = load_catalog().install_command(plan.framework, plan.hardware, plan.os)
    console.print(
        f"  # {label(plan.framework)} for {plan.hardware} on {plan.os} (README.md, Install):", style="dim", markup=False
    )
    for line in install.splitlines():
        console.print(f"  {line}", markup=False, soft_wrap=True)
    console.print('  pip install -e ".[dev]"', markup=False, soft_wrap=True)
    console.print(f"  advisor smoke {printable(shlex.quote(str(path)))}", markup=False, soft_wrap=True)
