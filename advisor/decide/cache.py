"""A cache of the validated rule set, so repeated runs skip YAML parsing and validation.

An entry is valid for one fingerprint: advisor's version, the rule directories, and every rule file's
path, size and modification time, so editing, adding or removing a rule file misses the cache. Only
rule sets that validated are stored. The cache lives in $ADVISOR_CACHE_DIR, else
$XDG_CACHE_HOME/advisor, else ~/.cache/advisor; ADVISOR_NO_CACHE=1 turns it off. Any problem reading
or writing it is ignored: the cache only ever saves time.
"""

from __future__ import annotations

import os
import pickle
import zlib
from pathlib import Path
from typing import Any

from advisor import __version__


def cache_dir() -> Path:
    if os.environ.get("ADVISOR_CACHE_DIR"):
        return Path(os.environ["ADVISOR_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "advisor"


def enabled() -> bool:
    return os.environ.get("ADVISOR_NO_CACHE", "") in ("", "0")


def fingerprint(directories: list[Path], files: list[Path]) -> str:
    """Same directories, same files, same sizes and times: same fingerprint."""
    parts = [__version__]
    parts += [f"dir {directory.resolve()}" for directory in directories]
    for path in files:
        stat = path.stat()
        parts.append(f"file {path.resolve()} {stat.st_size} {stat.st_mtime_ns}")
    return "\n".join(parts)


def _path(key: str) -> Path:
    # A short name from a checksum; the full fingerprint inside the file rules out collisions.
    return cache_dir() / f"ruleset-{zlib.crc32(key.encode()):08x}.pickle"


def load(key: str) -> Any:
    if not enabled():
        return None
    try:
        with open(_path(key), "rb") as handle:
            stored_key, value = pickle.load(handle)
    except Exception:  # missing, unreadable or from an incompatible version: parse the files instead
        return None
    return value if stored_key == key else None


def store(key: str, value: object) -> None:
    if not enabled():
        return
    target = _path(key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a concurrent reader never sees half a file.
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        with open(temporary, "wb") as out:
            pickle.dump((key, value), out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target)
    except OSError:
        pass
