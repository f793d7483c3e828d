"""A cache of the validated rule set, so repeated runs skip YAML parsing and validation.

An entry is JSON (plain data: it can never run code), read back through RuleSet.from_dict, which checks
every type. Its key is a SHA-256 over advisor's version, the rule directories and every watched file's path
(as given and resolved) and bytes: any edit misses the cache whatever the file's size and timestamps say
(`cp -p`, tar, `rsync -t`, coarse file-system clocks), and the path strings inside a cached rule set are
those of the current run. The entry's name comes from the key, and the full key is stored inside and checked.

An entry is read only if it is a regular file (opened without following links and without blocking, so a
planted link or FIFO is ignored), owned by the user, not writable by group or others and not larger than
MAX_ENTRY_BYTES, in a directory owned by the user and not writable by group or others. Entries are written
to a private temporary file (0600, created exclusively) and renamed into place; the temporary file is
removed on any failure. Only rule sets that validated are stored.

The cache lives in $ADVISOR_CACHE_DIR, else $XDG_CACHE_HOME/advisor, else ~/.cache/advisor;
ADVISOR_NO_CACHE=1 turns it off. Any problem reading or writing it is ignored: the cache only saves time.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from advisor import __version__
from advisor.files import FileRefused, read_regular_file

FORMAT = 2  # bump when RuleSet.to_dict changes shape
MAX_ENTRY_BYTES = 8 * 1024 * 1024
PREFIX = "ruleset-"
SUFFIX = ".json"


def _sha256() -> Any:
    # The built-in implementation imports in microseconds; hashlib's OpenSSL binding takes milliseconds.
    import importlib

    for name in ("_sha2", "_sha256"):  # Python >= 3.12, then older
        try:
            return importlib.import_module(name).sha256()
        except (ImportError, AttributeError):
            continue
    import hashlib

    return hashlib.sha256()


def cache_dir() -> Path:
    if os.environ.get("ADVISOR_CACHE_DIR"):
        return Path(os.environ["ADVISOR_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "advisor"


def enabled() -> bool:
    return os.environ.get("ADVISOR_NO_CACHE", "") in ("", "0")


def key(directories: list[str], files: list[tuple[str, bytes]]) -> str:
    """SHA-256 (hex) over the format, advisor's version, each directory and each file's path and bytes."""
    digest = _sha256()

    def add(tag: bytes, data: bytes) -> None:
        digest.update(tag + b"\0" + len(data).to_bytes(8, "big") + data)

    add(b"format", str(FORMAT).encode())
    add(b"version", __version__.encode())
    for directory in directories:
        add(b"dir", os.fsencode(directory))
        add(b"resolved", os.fsencode(str(Path(directory).resolve())))
    for path, content in files:
        add(b"file", os.fsencode(path))
        add(b"resolved", os.fsencode(str(Path(path).resolve())))
        add(b"bytes", content)
    return str(digest.hexdigest())


def entry_path(cache_key: str) -> Path:
    return cache_dir() / f"{PREFIX}{cache_key[:32]}{SUFFIX}"


def _safe(info: os.stat_result) -> bool:
    """Owned by this user and not writable by anyone else."""
    getuid = getattr(os, "getuid", None)
    owned = getuid is None or info.st_uid == getuid()
    return owned and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _safe_dir(directory: Path) -> bool:
    try:
        info = os.stat(directory)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and _safe(info)


def load(cache_key: str) -> Any:
    """The stored rule-set data for `cache_key` (plain JSON data, not yet checked), or None."""
    if not enabled():
        return None
    path = entry_path(cache_key)
    if not _safe_dir(path.parent):
        return None
    try:
        # Not through a link, never a FIFO or device, never another user's or a shared-writable file.
        data = read_regular_file(path, MAX_ENTRY_BYTES, follow_links=False, trusted=_safe)
        stored = json.loads(data)
    except (OSError, FileRefused, ValueError, RecursionError):  # missing, refused, not JSON, absurdly nested
        return None
    if not isinstance(stored, dict) or stored.get("format") != FORMAT or stored.get("key") != cache_key:
        return None
    return stored.get("ruleset")


def store(cache_key: str, ruleset: dict[str, Any]) -> None:
    """Write an entry atomically; any failure leaves no temporary file and is otherwise ignored."""
    if not enabled():
        return
    target = entry_path(cache_key)
    try:
        text = json.dumps({"format": FORMAT, "key": cache_key, "ruleset": ruleset}, allow_nan=False)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except (OSError, ValueError):
        return
    if not _safe_dir(target.parent):
        return
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(temporary, flags, 0o600)
    except OSError:
        return
    done = False
    try:
        try:
            data = text.encode()
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view):]
        finally:
            os.close(descriptor)
        os.replace(temporary, target)  # a concurrent reader sees the old entry or the new one, never half
        done = True
    except OSError:  # full disk, read-only file system...: the cache only saves time
        pass
    finally:
        if not done:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
