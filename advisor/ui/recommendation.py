"""The recommendation as a readable rich panel, with an optional table of every rule's outcome."""

from __future__ import annotations

from typing import TYPE_CHECKING

from advisor.decide.engine import Recommendation
from advisor.text import printable

if TYPE_CHECKING:
    from rich.console import Console

    from advisor.decide.whynot import WhyNot

TOP_REASONS = 6


def print_recommendation(rec: Recommendation, explain: bool = False) -> None:
    from rich.console import Console, Group
    from rich.panel import Panel
    from rich.text import Text

    console = Console(highlight=False)
    facts = rec.facts
    body: list[Text] = []
    top = max(max(rec.scores.values()), 1)
    width = max(len(rec.label(framework)) for framework in rec.scores)
    for framework, score in sorted(rec.scores.items(), key=lambda item: -item[1]):
        picked = framework == rec.framework
        filled = round(20 * max(score, 0) / top)
        ruled_out = " (ruled out)" if framework in rec.evaluation.excluded else ""
        line = Text(rec.label(framework).ljust(width + 1), style="bold" if picked else "")
        line.append("█" * filled + "·" * (20 - filled), style="green" if picked else "dim")
        line.append(f" {score:g}{ruled_out}")
        body.append(line)
    body.append(Text(f"margin {rec.margin:g} · confidence {rec.confidence} · rules {rec.ruleset_version}"))
    if rec.tie is not None:
        body.append(Text(f"{rec.tie.text[0].upper()}{rec.tie.text[1:]}", style="bold"))
    if rec.reasons:
        body.append(Text("\nWhy", style="bold"))
        for reason in rec.reasons[:TOP_REASONS]:
            line = Text(f"  {reason.weight:+g} {reason.framework}  ", style="cyan")
            line.append(printable(reason.reason))
            line.append(f"\n        [{reason.rule}] {printable(reason.source)}", style="dim")
            body.append(line)
        hidden = len(rec.reasons) - TOP_REASONS
        if hidden > 0:
            body.append(Text(f"  … {hidden} more (use --json or --explain)", style="dim"))
    if rec.caveats:
        body.append(Text("\nCaveats", style="bold"))
        for caveat in rec.caveats:
            body.append(Text(f"  ! {printable(caveat)}", style="yellow"))
    body.append(Text("\nWhat would flip it", style="bold"))
    if rec.flips:
        for flip in rec.flips:
            body.append(Text(f"  {printable(flip.text)}"))
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
    title = Text(f"advisor recommends {rec.label(rec.framework)}")
    console.print(Panel(Group(*body), title=title, title_align="left", border_style="green"))
    if explain:
        print_trace(rec, console)


def print_trace(rec: Recommendation, console: Console) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Every rule, matched or not", show_lines=False)
    for column in ("rule", "kind", "matched", "why / why not"):
        table.add_column(column)
    for outcome in rec.evaluation.outcomes:
        detail = outcome.result.text if outcome.matched else "; ".join(outcome.result.why_not())
        cells = (outcome.rule.id, outcome.kind, "yes" if outcome.matched else "no", detail)
        table.add_row(*(Text(printable(cell)) for cell in cells))  # rule text is data, never markup
    console.print(table)


def print_why_not(other: WhyNot, rec: Recommendation) -> None:
    """What rules a framework out and the smallest answer changes that would pick it."""
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    console.print(Text(f"Why not {rec.label(other.framework)}", style="bold"))
    console.print(Text(f"  {printable(other.note)}"))
    for blocker in other.blockers:
        line = Text(f"  ruled out by [{blocker.rule}] when {blocker.condition}: ", style="yellow")
        line.append(printable(blocker.reason))
        if blocker.workaround:
            line.append(f" Workaround: {printable(blocker.workaround)}")
        console.print(line)
    for change in other.shown:  # blocker-lifting changes first, then the best margin
        scores = ", ".join(f"{framework} {score:g}" for framework, score in change.scores.items())
        detail = f"margin {change.margin:g}" + (f"; {change.tie}" if change.tie else "")
        if change.lifts:
            detail += f"; lifts {', '.join(change.lifts)}"
        console.print(Text(f"  {printable(change.text)}  ({scores}; {printable(detail)})"))
    if other.truncation:
        console.print(Text(f"  {other.truncation}", style="dim"))
