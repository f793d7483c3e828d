"""The recommendation panel (laid out in panel.py), the table of every rule's outcome, and --why-not."""

from __future__ import annotations

from typing import TYPE_CHECKING

from advisor.decide.engine import Recommendation
from advisor.text import printable
from advisor.ui.layout import print_hanging
from advisor.ui.text import make_console

if TYPE_CHECKING:
    from rich.console import Console

    from advisor.decide.whynot import WhyNot

def print_recommendation(rec: Recommendation, explain: bool = False) -> None:
    from advisor.ui.panel import panel_lines

    console = make_console()
    for line in panel_lines(rec, console.width):
        console.print(line, soft_wrap=True)  # laid out already: a long URL runs on rather than being split
    if explain:
        print_trace(rec, console)


def print_trace(rec: Recommendation, console: Console) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Every rule, matched or not", show_lines=False)
    for column in ("rule", "kind", "matched", "why / why not"):
        table.add_column(column, overflow="fold")  # a rule id is folded at narrow widths, never cut
    for outcome in rec.evaluation.outcomes:
        detail = outcome.result.text if outcome.matched else "; ".join(outcome.result.why_not())
        cells = (outcome.rule.id, outcome.kind, "yes" if outcome.matched else "no", detail)
        table.add_row(*(Text(printable(cell)) for cell in cells))  # rule text is data, never markup
    console.print(table)


def print_why_not(other: WhyNot, rec: Recommendation) -> None:
    """What rules a framework out and the smallest answer changes that would pick it."""
    from rich.text import Text

    console = make_console()
    console.print(Text(f"Why not {rec.label(other.framework)}", style="bold"))
    print_hanging(console, other.note, "  ")
    for blocker in other.blockers:
        text = blocker.reason + (f" Workaround: {blocker.workaround}" if blocker.workaround else "")
        lead = f"ruled out by [{blocker.rule}] when {blocker.condition}: "
        print_hanging(console, f"{lead}{text}", "  ", first_style="yellow")
    for change in other.shown:  # blocker-lifting changes first, then the best margin
        scores = ", ".join(f"{framework} {score:g}" for framework, score in change.scores.items())
        detail = f"margin {change.margin:g}" + (f"; {change.tie}" if change.tie else "")
        if change.lifts:
            detail += f"; lifts {', '.join(change.lifts)}"
        print_hanging(console, f"{change.text}  ({scores}; {detail})", "  ")
    if other.truncation:
        print_hanging(console, other.truncation, "  ", style="dim")
