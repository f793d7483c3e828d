"""Text from outside (rule files, paths, names, tool output) checked or made safe for a terminal.

Unsafe: control characters (ESC starts terminal sequences), invisible format characters (bidi overrides,
zero-width), line/paragraph separators and undecodable bytes (lone surrogates).
"""

from __future__ import annotations

UNSAFE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def is_unsafe(char: str) -> bool:
    import unicodedata

    return unicodedata.category(char) in UNSAFE


def has_unsafe(text: str, allow_newlines: bool = False) -> bool:
    if allow_newlines:
        text = text.replace("\n", "")
    if text.isprintable():  # the fast path (in C): no control, format or separator characters at all
        return False
    return any(is_unsafe(char) for char in text)  # non-printable also covers spaces like NBSP: look closer


def printable(text: str, keep_newlines: bool = False) -> str:
    """`text` with every unsafe character shown as its escape (`\\x1b`, `\\u202e`), so it prints as written."""
    if not has_unsafe(text, allow_newlines=keep_newlines):  # the common case, checked in C
        return text
    return "".join(
        char if (keep_newlines and char == "\n") or not is_unsafe(char) else repr(char)[1:-1] for char in text
    )


def shorten(value: object, limit: int = 80) -> str:
    """A value to quote in a one-line message: its text (repr for non-text) on one line, cut to `limit`
    characters plus "..."."""
    text = value if isinstance(value, str) else repr(value)
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return text if len(text) <= limit else text[:limit] + "..."


def quoted(value: object, limit: int = 80) -> str:
    """repr() of a value's text cut to `limit` characters ("..." after the quote when cut): safe to print."""
    text = value if isinstance(value, str) else str(value)
    return repr(text[:limit]) + ("..." if len(text) > limit else "")
