"""What `advisor new` prints once the project exists: what was made, why that framework, what to run next."""

from __future__ import annotations

from advisor.catalog import load_catalog
from advisor.project.create import CreatedProject
from advisor.text import shell_quote
from advisor.ui.layout import print_command, print_hanging
from advisor.ui.text import make_console, plain


def print_generated(created: CreatedProject) -> None:

    console = make_console()
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
    console.print(f"[green]Created[/green] {plain(str(path))}", soft_wrap=True)
    print_hanging(console, pick, "  framework: ")
    print_hanging(
        console, f"{settings.slug} (package {settings.package}), task template {plan.template_task}", "  project:   "
    )
    if plan.task_note:
        print_hanging(console, plan.task_note, "  note:      ", first_style="yellow")
    for gap in plan.export_gaps:
        print_hanging(console, gap, "  export:    ", first_style="yellow")
    if rec.facts.defaulted:
        defaulted = ", ".join(f"{q}={rec.facts.answers[q]}" for q in rec.facts.defaulted)
        print_hanging(console, defaulted, "  defaulted: ", style="dim", first_style="dim")
    print_hanging(console, "docs/DECISION.md; replay: .advisor/answers.yaml", "  record:    ")
    vcs = created.version_control
    if vcs.detail:
        print_hanging(console, vcs.detail, "  git:       ", first_style="yellow" if vcs.kind == "none" else "")
    console.print("\nNext:")
    folder = shell_quote(str(path))
    print_command(console, f"cd {folder}")
    # The framework first, built for the hardware: installing the project alone would let pip pick a
    # default build (on Linux, PyTorch's multi-GB CUDA wheel even for a CPU project).
    install = load_catalog().install_command(plan.framework, plan.hardware, plan.os)
    where = f"{plan.hardware} on {plan.os}"
    print_command(console, f"# {label(plan.framework)} for {where} (README.md, Install):", style="dim")
    for line in install.splitlines():
        print_command(console, line)
    print_command(console, 'pip install -e ".[dev]"')
    print_command(console, f"advisor smoke {folder}")
