"""Reading a file someone else may have put there: a regular file only, never blocking, never unbounded.

One home for the check every reader of outside files needs (answers and rule files, cache entries, system
files under /proc and /etc): O_NONBLOCK makes opening a FIFO return at once, fstat refuses anything but a
regular file (a FIFO, /dev/zero, a directory), and the read stops at a limit.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

CHUNK = 1 << 20


class FileRefused(Exception):
    """The file exists but is not one to read; the message says why ("is not a regular file", ...)."""


def size_text(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"


def read_regular_file(
    path: Path | str,
    limit: int,
    *,
    follow_links: bool = True,
    truncate: bool = False,
    trusted: Callable[[os.stat_result], bool] | None = None,
) -> bytes:
    """The bytes of the regular file at `path`; FileRefused or OSError otherwise.

    A file larger than `limit` is refused, or with `truncate` cut to its first `limit` bytes. Without
    `follow_links` a link is refused (OSError). `trusted` checks the open file's stat (owner, mode).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags)
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise FileRefused("is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused("is not a regular file")
        if trusted is not None and not trusted(info):
            raise FileRefused("is not owned by you or is writable by others")
        if info.st_size > limit and not truncate:
            raise FileRefused(f"is larger than {size_text(limit)}")
        data = bytearray()
        while len(data) <= limit and (chunk := os.read(descriptor, min(CHUNK, limit + 1 - len(data)))):
            data += chunk
        if len(data) > limit:  # it grew while we read
            if not truncate:
                raise FileRefused(f"is larger than {size_text(limit)}")
            del data[limit:]
        return bytes(data)
    finally:
        os.close(descriptor)


def resolved(path: Path | str, field: str) -> Path:
    """`path` made absolute with links followed; InputError naming `field` for a link loop."""
    from advisor.errors import InputError

    try:
        return Path(path).resolve()
    except (RuntimeError, OSError) as error:  # "Symlink loop from ...", ELOOP
        raise InputError(f"{field}: {path} cannot be resolved: {getattr(error, 'strerror', None) or error}") from None
