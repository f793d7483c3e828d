"""Outside text for rich: printable (advisor.text) and never read as markup."""

from __future__ import annotations

from typing import TYPE_CHECKING

from advisor.text import printable

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["make_console", "plain", "printable"]


def plain(text: str) -> str:
    """`text` for a rich markup string: printable, and its brackets escaped so they are never markup."""
    from rich.markup import escape

    return escape(printable(text))


def make_console(stderr: bool = False) -> Console:
    """advisor's console: no emoji codes (a path like `a:b:c` prints as written), no guessing highlights."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, emoji=False)
