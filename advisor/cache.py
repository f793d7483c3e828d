"""A cache of the validated rule set, so repeated runs skip YAML parsing and validation.

Keyed by advisor's version and every rule file's path, size and modification time: editing, adding or
removing a rule file makes a new key. Only rule sets that validated are stored. The cache lives in
$ADVISOR_CACHE_DIR, else $XDG_CACHE_HOME/advisor, else ~/.cache/advisor; ADVISOR_NO_CACHE=1 turns it
off. Any problem reading or writing it is ignored: the cache only ever saves time.
"""

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from advisor import __version__


def cache_dir() -> Path:
    if os.environ.get("ADVISOR_CACHE_DIR"):
        return Path(os.environ["ADVISOR_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "advisor"


def enabled() -> bool:
    return os.environ.get("ADVISOR_NO_CACHE", "") in ("", "0")


def key_for(directories: list[Path], files: list[Path]) -> str:
    """Same directories, same files, same sizes and times: same key."""
    digest = hashlib.sha256(__version__.encode())
    for directory in directories:
        digest.update(f"\0dir\0{directory.resolve()}".encode())
    for path in files:
        stat = path.stat()
        digest.update(f"\0{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


def load(key: str):
    if not enabled():
        return None
    try:
        with open(cache_dir() / f"ruleset-{key}.pickle", "rb") as handle:
            return pickle.load(handle)
    except Exception:  # missing, unreadable or from an incompatible version: parse the files instead
        return None


def store(key: str, value) -> None:
    if not enabled():
        return
    directory = cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a concurrent reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".ruleset-")
        with os.fdopen(handle, "wb") as out:
            pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, directory / f"ruleset-{key}.pickle")
    except OSError:
        pass
