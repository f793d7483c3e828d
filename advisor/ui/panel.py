"""The recommendation panel, laid out line by line for the terminal's width.

A frame with a left bar and top and bottom rules (no right border), so that a source URL longer than the
room left never has to be split or cut: it runs on and the terminal folds it, still one word to copy or
click. Reasons, caveats and flips wrap with hanging indents: each continuation sits under the text it
continues, and a reason's sources sit under the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from advisor.decide.engine import Recommendation
from advisor.text import printable
from advisor.ui.layout import wrap_hanging

if TYPE_CHECKING:
    from rich.text import Text

TOP_REASONS = 6
BAR = "│ "
BAR_STYLE = "green"


def _line(text: str = "", style: str = "") -> Text:
    from rich.text import Text

    line = Text(BAR if text else BAR.rstrip(), style=BAR_STYLE)
    line.append(text, style=style)
    return line


def _wrapped(text: str, width: int, first: str, style: str = "", lead_style: str | None = None) -> list[Text]:
    """Framed lines of `text` after `first`, continuations under the text; the lead-in in `lead_style`."""
    from rich.text import Text

    lines = []
    for number, row in enumerate(wrap_hanging(printable(text), width - len(BAR), first)):
        line = Text(BAR, style=BAR_STYLE)
        lead = first if number == 0 else " " * len(first)
        line.append(lead, style=style if lead_style is None else lead_style)
        line.append(row[len(lead):], style=style)
        lines.append(line)
    return lines


def panel_lines(rec: Recommendation, width: int) -> list[Text]:
    """The whole panel, each line a rich Text to print without further wrapping."""
    from rich.text import Text

    title = f"╭─ advisor recommends {rec.label(rec.framework)} "
    lines: list[Text] = [Text(title + "─" * max(width - len(title), 3), style=BAR_STYLE)]
    label_width = max(len(rec.label(framework)) for framework in rec.scores)
    top = max(max(rec.scores.values()), 1)
    for framework, score in sorted(rec.scores.items(), key=lambda item: -item[1]):
        picked = framework == rec.framework
        filled = round(20 * max(score, 0) / top)
        line = _line(rec.label(framework).ljust(label_width + 1), "bold" if picked else "")
        line.append("█" * filled + "·" * (20 - filled), style="green" if picked else "dim")
        ruled_out = " (ruled out)" if framework in rec.evaluation.excluded else ""
        line.append(f" {score:g}{ruled_out}")
        lines.append(line)
    lines += _wrapped(f"margin {rec.margin:g} · confidence {rec.confidence} · rules {rec.ruleset_version}", width, "")
    if rec.tie is not None:
        lines += _wrapped(f"{rec.tie.text[0].upper()}{rec.tie.text[1:]}", width, "", "bold")
    if rec.reasons:
        lines += [_line(), _line("Why", "bold")]
        shown = rec.reasons[:TOP_REASONS]
        weights = max(len(f"{reason.weight:+g}") for reason in shown)
        names = max(len(reason.framework) for reason in shown)
        for reason in shown:
            lead = f"  {reason.weight:+{weights}g} {reason.framework.ljust(names)}  "
            lines += _wrapped(reason.reason, width, lead, lead_style="cyan")
            lines += _wrapped(f"[{reason.rule}] {reason.source}", width, " " * len(lead), "dim")
        hidden = len(rec.reasons) - TOP_REASONS
        if hidden > 0:
            lines += _wrapped(f"… {hidden} more (use --json or --explain)", width, "  ", "dim")
    if rec.caveats:
        lines += [_line(), _line("Caveats", "bold")]
        for caveat in rec.caveats:
            lines += _wrapped(caveat, width, "  ! ", "yellow")
    lines += [_line(), _line("What would flip it", "bold")]
    if rec.flips:
        for flip in rec.flips:
            lines += _wrapped(flip.text, width, "  ")
    else:
        lines += _wrapped("no single answer change flips this recommendation", width, "  ", "dim")
    facts = rec.facts
    if facts.defaulted:
        defaulted = ", ".join(f"{qid}={facts.answers[qid]}" for qid in facts.defaulted)
        lines += [_line()]
        lines += _wrapped(f"{defaulted} (set with --answer KEY=VALUE)", width, "Defaulted: ", "dim")
    if facts.ignored:
        lines += _wrapped(", ".join(facts.ignored), width, "Ignored (not applicable): ", "dim")
    lines.append(Text("╰" + "─" * max(width - 1, 3), style=BAR_STYLE))
    return lines
