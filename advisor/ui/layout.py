"""Text laid out for a terminal of any width: hanging indents, and command lines never broken.

advisor wraps prose itself, at spaces only, with each continuation under the text it continues; a word
longer than the line (a URL, a path) is never split: it runs past the margin and the terminal folds it
without inserting a newline, so it still copies and clicks whole. A command the user is meant to run is
printed on one line whatever the width (`print_command`), so copying it from any terminal gives a command
that works.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from advisor.text import printable

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

MIN_TEXT_WIDTH = 20  # below this, wrapping hurts more than it helps: lines run on


def wrap_hanging(text: str, width: int, first: str = "", rest: str | None = None) -> list[str]:
    """`text` wrapped at spaces to `width` columns: the first line after `first`, the others after `rest`
    (default: spaces as wide as `first`). Words are never split; a word wider than a line has its own."""
    rest = " " * len(first) if rest is None else rest
    width = max(width, len(rest) + MIN_TEXT_WIDTH, len(first) + MIN_TEXT_WIDTH)
    wrapper = textwrap.TextWrapper(
        width=width, initial_indent=first, subsequent_indent=rest, break_long_words=False, break_on_hyphens=False,
    )
    return wrapper.wrap(" ".join(text.split())) or [first.rstrip()]


def hanging_text(text: str, width: int, first: str, style: str = "", first_style: str = "") -> list[Text]:
    """`wrap_hanging` as rich Text lines, the lead-in (`first`) in `first_style` and the text in `style`."""
    from rich.text import Text

    lines = []
    for number, line in enumerate(wrap_hanging(printable(text), width, first)):
        lead = first if number == 0 else " " * len(first)
        row = Text(lead, style=first_style)
        row.append(line[len(lead):], style=style)
        lines.append(row)
    return lines


def print_hanging(console: Console, text: str, first: str, style: str = "", first_style: str = "") -> None:
    """Print `text` after `first`, wrapped to the console's width with a hanging indent."""
    for line in hanging_text(text, console.width, first, style, first_style):
        console.print(line, soft_wrap=True, highlight=False)


def print_command(console: Console, command: str, indent: str = "  ", style: str | None = None) -> None:
    """A command for the user to run: on one line whatever the width, as plain text (never markup)."""
    console.print(f"{indent}{printable(command)}", markup=False, highlight=False, soft_wrap=True, style=style)
