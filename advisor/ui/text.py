"""Outside text for rich: printable (advisor.text) and never read as markup."""

from __future__ import annotations

from advisor.text import printable

__all__ = ["plain", "printable"]


def plain(text: str) -> str:
    """`text` for a rich markup string: printable, and its brackets escaped so they are never markup."""
    from rich.markup import escape

    return escape(printable(text))
