"""Presenting a recommendation: a JSON-ready dict, and a readable rich panel."""

from advisor.engine import Recommendation

TOP_REASONS = 6
LABELS = {"pytorch": "PyTorch", "tensorflow": "TensorFlow (Keras 3)"}


def label(framework: str | None) -> str:
    if framework is None:
        return "no feasible framework"
    return LABELS.get(framework, framework)


def recommendation_dict(rec: Recommendation, trace: bool = True) -> dict:
    facts = rec.facts
    data = {
        "framework": rec.framework,
        "scores": rec.scores,
        "margin": rec.margin,
        "confidence": rec.confidence,
        "reasons": [
            {"rule": r.rule, "framework": r.framework, "weight": r.weight, "reason": r.reason, "source": r.source}
            for r in rec.reasons
        ],
        "constraints": [
            {
                "rule": c.id,
                "framework": c.framework,
                "effect": c.effect,
                "reason": c.reason,
                "workaround": c.workaround,
                "source": c.source,
            }
            for c in rec.constraints
        ],
        "caveats": list(rec.caveats),
        "flips": [
            {
                "question": f.question,
                "answer": f.answer,
                "with": dict(f.also),
                "framework": f.framework,
                "text": f.text,
            }
            for f in rec.flips
        ],
        "defaulted": list(facts.defaulted),
        "answers": dict(facts.answers),
        "ignored": list(facts.ignored),
        "ruleset_version": rec.ruleset_version,
    }
    if trace:
        data["trace"] = [
            {
                "rule": o.rule.id,
                "kind": o.kind,
                "matched": o.matched,
                "condition": o.result.to_dict(),
                "why_not": o.result.why_not(),
                "origin": o.rule.origin,
            }
            for o in rec.evaluation.outcomes
        ]
    return data


def print_recommendation(rec: Recommendation, explain: bool = False) -> None:
    from rich.console import Console, Group
    from rich.panel import Panel
    from rich.text import Text

    console = Console(highlight=False)
    facts = rec.facts
    body: list = []
    top = max(max(rec.scores.values()), 1)
    width = max(len(label(framework)) for framework in rec.scores)
    for framework, score in sorted(rec.scores.items(), key=lambda item: -item[1]):
        picked = framework == rec.framework
        filled = round(20 * max(score, 0) / top)
        ruled_out = " (ruled out)" if framework in rec.evaluation.excluded else ""
        line = Text(label(framework).ljust(width + 1), style="bold" if picked else "")
        line.append("█" * filled + "·" * (20 - filled), style="green" if picked else "dim")
        line.append(f" {score:g}{ruled_out}")
        body.append(line)
    body.append(Text(f"margin {rec.margin:g} · confidence {rec.confidence} · rules {rec.ruleset_version}"))
    if rec.reasons:
        body.append(Text("\nWhy", style="bold"))
        for reason in rec.reasons[:TOP_REASONS]:
            line = Text(f"  {reason.weight:+g} {reason.framework}  ", style="cyan")
            line.append(reason.reason)
            line.append(f"\n        [{reason.rule}] {reason.source}", style="dim")
            body.append(line)
        hidden = len(rec.reasons) - TOP_REASONS
        if hidden > 0:
            body.append(Text(f"  … {hidden} more (use --json or --explain)", style="dim"))
    if rec.caveats:
        body.append(Text("\nCaveats", style="bold"))
        for caveat in rec.caveats:
            body.append(Text(f"  ! {caveat}", style="yellow"))
    body.append(Text("\nWhat would flip it", style="bold"))
    if rec.flips:
        for flip in rec.flips:
            body.append(Text(f"  {flip.text}"))
    else:
        body.append(Text("  no single answer change flips this recommendation", style="dim"))
    if facts.defaulted:
        body.append(
            Text(
                "\nDefaulted: "
                + ", ".join(f"{qid}={facts.answers[qid]}" for qid in facts.defaulted)
                + "  (set with --answer KEY=VALUE)",
                style="dim",
            )
        )
    if facts.ignored:
        body.append(
            Text("Ignored (not applicable): " + ", ".join(facts.ignored), style="dim")
        )
    title = f"advisor recommends {label(rec.framework)}"
    console.print(Panel(Group(*body), title=title, title_align="left", border_style="green"))
    if explain:
        print_trace(rec, console)


def print_trace(rec: Recommendation, console) -> None:
    from rich.table import Table

    table = Table(title="Every rule, matched or not", show_lines=False)
    for column in ("rule", "kind", "matched", "why / why not"):
        table.add_column(column)
    for outcome in rec.evaluation.outcomes:
        detail = outcome.result.text if outcome.matched else "; ".join(outcome.result.why_not())
        table.add_row(outcome.rule.id, outcome.kind, "yes" if outcome.matched else "no", detail)
    console.print(table)


def print_generated(plan, path) -> None:
    from rich.console import Console

    console = Console()
    rec = plan.recommendation
    settings = plan.settings
    if plan.override:
        pick = f"{label(plan.framework)} (your choice; advisor recommended {label(rec.framework)})"
    elif settings.framework_choice == "auto":
        pick = f"{label(plan.framework)} (recommended, confidence {rec.confidence})"
    else:
        pick = f"{label(plan.framework)} (your choice, also the recommendation)"
    console.print(f"[green]Created[/green] {path}")
    console.print(f"  framework: {pick}")
    console.print(f"  project:   {settings.slug} (package {settings.package}), task template {plan.context['task']}")
    note = plan.context["_advisor"]["task_note"]
    if note:
        console.print(f"  [yellow]note:[/yellow] {note}")
    if rec.facts.defaulted:
        console.print(
            "  defaulted: " + ", ".join(f"{q}={rec.facts.answers[q]}" for q in rec.facts.defaulted), style="dim"
        )
    console.print("  decision record: docs/DECISION.md; replay: .advisor/answers.yaml")
    console.print("\nNext:")
    console.print(f"  cd {path}")
    console.print("  pip install -e \".[dev]\"      # README.md has the install command for your hardware", markup=False)
    console.print(f"  advisor smoke {path}")


def print_smoke(report) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    data = report.to_dict()
    notable = [t for t in report.tests if t.outcome != "passed"]
    if notable:
        table = Table(show_lines=False)
        for column in ("test", "outcome", "reason"):
            table.add_column(column, overflow="fold")
        for test in notable:
            style = "yellow" if test.outcome == "skipped" else "red"
            table.add_row(test.name, f"[{style}]{test.outcome}[/{style}]", test.message)
        console.print(table)
    verdict = "[green]smoke OK[/green]" if report.ok else "[red]smoke FAILED[/red]"
    console.print(
        f"{verdict}: {data['passed']} passed, {data['failed']} failed, {data['skipped']} skipped "
        f"in {data['duration_s']:.1f}s ({report.project}, {report.python})"
    )
    if not report.tests:
        console.print(report.output[-2000:], markup=False)
