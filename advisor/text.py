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


def shell_quote(word: str) -> str:
    """`word` quoted for a POSIX shell so that pasting it gives back exactly `word`: shlex's quoting, or,
    when it holds characters a terminal would hide or obey (control, bidi, zero-width), bash/zsh's $'...'
    with each of those written as an escape, so the printed command is both visible and correct."""
    import shlex

    if not has_unsafe(word):
        return shlex.quote(word)
    out = ["$'"]
    for char in word:
        code = ord(char)
        if char in "\\'":
            out.append("\\" + char)
        elif not is_unsafe(char):
            out.append(char)
        elif 0xDC80 <= code <= 0xDCFF:  # a byte of a path that is not UTF-8, as Python decodes it
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out) + "'"


def shell_join(words: list[str]) -> str:
    return " ".join(shell_quote(word) for word in words)
