"""Presenting a recommendation: a JSON-ready dict, and a readable rich panel."""

from advisor.engine import Recommendation
from advisor.questions import Questionnaire

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


def print_recommendation(rec: Recommendation, questionnaire: Questionnaire, explain: bool = False) -> None:
    from rich.console import Console, Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    console = Console()
    facts = rec.facts
    body: list = []
    top = max(max(rec.scores.values()), 1)
    scores = Table.grid(padding=(0, 1))
    for framework, score in sorted(rec.scores.items(), key=lambda item: -item[1]):
        filled = round(20 * max(score, 0) / top)
        ruled_out = " (ruled out)" if framework in rec.evaluation.excluded else ""
        scores.add_row(
            Text(label(framework), style="bold" if framework == rec.framework else ""),
            Text("█" * filled + "·" * (20 - filled), style="green" if framework == rec.framework else "dim"),
            Text(f"{score:g}{ruled_out}"),
        )
    body.append(scores)
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
