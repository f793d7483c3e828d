"""What `advisor new` prints once the project exists: what was made, why that framework, what to run next."""

from __future__ import annotations

from advisor.project.create import CreatedProject


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
    console.print(f"[green]Created[/green] {path}")
    console.print(f"  framework: {pick}")
    console.print(f"  project:   {settings.slug} (package {settings.package}), task template {plan.template_task}")
    if plan.task_note:
        console.print(f"  [yellow]note:[/yellow] {plan.task_note}")
    if rec.facts.defaulted:
        console.print(
            "  defaulted: " + ", ".join(f"{q}={rec.facts.answers[q]}" for q in rec.facts.defaulted), style="dim"
        )
    console.print("  decision record: docs/DECISION.md; replay: .advisor/answers.yaml")
    console.print("\nNext:")
    console.print(f"  cd {path}")
    console.print('  pip install -e ".[dev]"      # README.md has the install command for your hardware', markup=False)
    console.print(f"  advisor smoke {path}")
