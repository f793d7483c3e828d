"""Move a rendered project into DIR without merging with another run or writing outside DIR.

- DIR absent: one rename that fails if DIR appeared meanwhile (two runs into one DIR: one wins, one fails).
- DIR present and empty: entries move in one by one, none replacing anything; if another run got there
  first, the ones already moved go back and this run fails. DIR itself stays (`advisor new .` keeps the
  shell's directory).
- --force: each entry replaces the same-named entry in DIR. A link is replaced, never written through; a hard
  link is broken, never written to; folders merge; the user's other files stay. A file where the project
  needs a folder (or the reverse) is refused before anything moves.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path

from advisor.errors import InputError

AT_FDCWD = -100  # Linux: paths relative to the working directory
RENAME_NOREPLACE = 1
STAGING_PREFIX = ".advisor-staging-"  # the staging folder's name inside an existing DIR
Renameat2 = Callable[[int, bytes, int, bytes, int], int]


@functools.cache
def _renameat2() -> Renameat2 | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a libc without it (glibc < 2.28, musl)
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def rename_no_replace(source: Path, target: Path) -> None:
    """Move `source` to `target`; FileExistsError if `target` exists, even if it appears at this moment."""
    renameat2 = _renameat2()
    if renameat2 is not None:
        if renameat2(AT_FDCWD, os.fsencode(source), AT_FDCWD, os.fsencode(target), RENAME_NOREPLACE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # else: this filesystem cannot
            raise (FileExistsError if code == errno.EEXIST else OSError)(code, os.strerror(code), str(target))
    if source.is_dir() and not source.is_symlink():
        os.mkdir(target)  # claims the name, or FileExistsError
        try:
            os.rename(source, target)  # over our own empty folder; fails if anyone wrote into it meanwhile
        except OSError as error:
            with contextlib.suppress(OSError):
                os.rmdir(target)
            if error.errno in (errno.ENOTEMPTY, errno.EEXIST):
                raise FileExistsError(error.errno, os.strerror(error.errno), str(target)) from None
            raise
        return
    try:
        os.link(source, target, follow_symlinks=False)  # claims the name, or FileExistsError
    except FileExistsError:
        raise
    except OSError:  # no hard links here: the small window between the check and the rename remains
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
        os.rename(source, target)
        return
    os.unlink(source)


def check_replaceable(rendered: Path, destination: Path) -> None:
    """--force: refuse, before anything moves, an entry in DIR that the project cannot replace."""
    for source in sorted(rendered.rglob("*")):
        target = destination / source.relative_to(rendered)
        if target.is_symlink() or not os.path.lexists(target):
            continue
        if source.is_dir() and not target.is_dir():
            raise InputError(f"DIR: {target} is a file where the project needs a folder (move it away)")
        if not source.is_dir() and target.is_dir():
            raise InputError(f"DIR: {target} is a folder where the project needs a file (move it away)")


def place(rendered: Path, destination: Path, force: bool) -> None:
    """Move the tree `rendered` into `destination`."""
    if not os.path.lexists(destination):
        try:
            rename_no_replace(rendered, destination)
        except FileExistsError:
            raise InputError(
                f"DIR: {destination} appeared while advisor was writing (another run?); nothing was written into it"
            ) from None
        return
    if force:
        check_replaceable(rendered, destination)
        _merge(rendered, destination)
        return
    # Another run's staging folder is not content: if both runs get this far, the moves below pick one.
    others = [entry for entry in os.listdir(destination) if not entry.startswith(STAGING_PREFIX)]
    if others:
        raise InputError(f"DIR: {destination} is no longer empty (another run?); nothing was written into it")
    _move_entries(rendered, destination)


def _move_entries(rendered: Path, destination: Path) -> None:
    moved: list[str] = []
    try:
        for name in sorted(os.listdir(rendered)):
            rename_no_replace(rendered / name, destination / name)
            moved.append(name)
    except FileExistsError:
        for name in moved:  # another run is writing here: give it the folder back as it found it
            with contextlib.suppress(OSError):
                os.rename(destination / name, rendered / name)
        raise InputError(
            f"DIR: {destination} is no longer empty (another run?); nothing was written into it"
        ) from None


def _merge(source_dir: Path, target_dir: Path) -> None:
    for entry in sorted(os.scandir(source_dir), key=lambda item: item.name):
        source, target = Path(entry.path), target_dir / entry.name
        if entry.is_dir(follow_symlinks=False):
            if target.is_symlink():
                os.unlink(target)  # the link goes, not what it points at
            if not os.path.lexists(target):
                os.rename(source, target)
            else:
                _merge(source, target)
        else:
            os.replace(source, target)  # replaces the entry: a link or a hard link is never written through
