"""Text from outside (paths, names, tool output, test messages) made safe to print on a terminal."""

from __future__ import annotations

import unicodedata

# Control characters (ESC starts terminal sequences), invisible format characters (bidi overrides,
# zero-width), line/paragraph separators and undecodable bytes (lone surrogates).
UNSAFE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def printable(text: str, keep_newlines: bool = False) -> str:
    """`text` with every unsafe character shown as its escape (`\\x1b`, `\\u202e`), so it prints as written."""
    return "".join(
        char
        if (keep_newlines and char == "\n") or unicodedata.category(char) not in UNSAFE
        else repr(char)[1:-1]
        for char in text
    )


def plain(text: str) -> str:
    """`text` for a rich markup string: printable, and its brackets escaped so they are never markup."""
    from rich.markup import escape

    return escape(printable(text))
