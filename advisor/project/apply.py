"""Write an update's result into the project: all of it, or (on any failure) none of it.

The objects the result needs move from the scratch store into the project's repository; git itself writes
the files (`checkout-index`, so the project's line-ending settings and filters apply as on any checkout, and
a link in the way is replaced, never written through); conflicted files get their three stages in the index;
the pristine ref moves last. Every file touched is backed up first: if a step fails, the files and index
entries go back to what they were and the ref stays. One update at a time per repository (a lock file in
its git folder).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from advisor.errors import InputError
from advisor.project.git import (
    Entry,
    Git,
    GitError,
    Repository,
    fill_index,
    index_record,
    private_index,
    removal_record,
)
from advisor.project.pristine import pristine_ref

LOCK_NAME = "advisor-update.lock"


@dataclass(frozen=True)
class Write:
    """One file of the result: write `entry` at `path`, or remove the file (entry None)."""

    path: str  # relative to the project, posix
    entry: Entry | None


@contextlib.contextmanager
def update_lock(repository: Repository) -> Iterator[None]:
    """Hold the repository's update lock; InputError if another live update holds it.

    The lock file appears whole (written aside, then linked into place), so another run never reads it
    half-written; a lock whose process is gone is taken over."""
    lock = repository.objects.parent / LOCK_NAME
    busy = f"DIR: another advisor update is working in this repository; wait for it (or remove {lock} if none is)"
    mine = lock.with_name(f"{LOCK_NAME}.{os.getpid()}")
    try:
        mine.write_text(str(os.getpid()), encoding="ascii")
    except OSError as error:
        raise InputError(f"DIR: cannot write in {lock.parent}: {error.strerror or error}") from None
    try:
        for _ in range(2):
            try:
                os.link(mine, lock)
                break
            except FileExistsError:
                if lock.is_dir() or lock.is_symlink() or _holder(lock) is not None:
                    raise InputError(busy) from None
                with contextlib.suppress(FileNotFoundError):
                    lock.unlink()  # left by an update that was killed
        else:
            raise InputError(busy)
    finally:
        with contextlib.suppress(OSError):
            mine.unlink()
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()


def _holder(lock: Path) -> int | None:
    """The process holding `lock`, if it is still running."""
    try:
        pid = int(lock.read_text(encoding="ascii").strip() or "0")
    except (OSError, ValueError):
        return None
    if pid <= 0:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


def apply_result(
    repository: Repository,
    project: Path,
    scratch: Git,
    scratch_objects: Path,
    writes: Sequence[Write],
    conflicts: Mapping[str, Mapping[int, Entry]],
    pristine: str,
    old_tip: str | None,
    backup: Path,
) -> None:
    """Write `writes`, stage `conflicts` and move the pristine ref to `pristine`; undo everything on failure."""
    git = repository.git()
    if conflicts and (repository.git_dir / "index.lock").exists():
        lock = repository.git_dir / "index.lock"
        raise InputError(f"DIR: another git process is using the index ({lock}); try again when it is done")
    needed = {write.entry.oid for write in writes if write.entry is not None}
    needed |= {entry.oid for stages in conflicts.values() for entry in stages.values()}
    reachable = scratch.text("rev-list", "--objects", pristine, *(["--not", old_tip] if old_tip else []))
    needed |= {line.split(" ", 1)[0] for line in reachable.splitlines() if line}
    copy_objects(scratch_objects, repository.objects, needed)
    saved_index = _index_entries(git, [repository.project_path(path) for path in conflicts])
    backed_up: list[str] = []
    created: list[str] = []
    try:
        for write in writes:
            if _save(project, write.path, backup):
                backed_up.append(write.path)
            elif write.entry is not None:
                created.append(write.path)
        for write in writes:
            if write.entry is None:
                with contextlib.suppress(FileNotFoundError):
                    (project / write.path).unlink()
                _remove_empty_parents(project, (project / write.path).parent)
        _checkout(repository, [write for write in writes if write.entry is not None])
        _stage(repository, conflicts)
        ref = pristine_ref(repository.prefix)
        git.run("update-ref", "-m", "advisor update", ref, pristine, *([old_tip] if old_tip else []))
    except Exception as error:
        _restore(project, backup, backed_up, created)
        _restore_index(repository, saved_index, list(conflicts))
        message = error.args[0] if isinstance(error, (GitError, InputError)) else f"{error}"
        if "cannot lock ref" in message or "but expected" in message:
            message = "the pristine ref moved while advisor worked (another update?); run the update again"
        raise GitError(f"{message}; the update was undone, your files are as they were") from None


def copy_objects(source: Path, target: Path, oids: set[str]) -> None:
    """Copy the loose objects among `oids` that only the scratch store has into the project's store."""
    for oid in sorted(oids):
        if len(oid) < 40:
            continue
        loose = source / oid[:2] / oid[2:]
        destination = target / oid[:2] / oid[2:]
        if not loose.is_file() or destination.exists():
            continue
        destination.parent.mkdir(exist_ok=True)
        temporary = destination.parent / f"tmp_advisor_{oid[2:12]}_{os.getpid()}"
        shutil.copyfile(loose, temporary)
        os.chmod(temporary, 0o444)
        os.replace(temporary, destination)


def _index_entries(git: Git, paths: list[str]) -> bytes:
    if not paths:
        return b""
    return git.run("ls-files", "-s", "-z", "--", *paths).stdout


def _save(project: Path, path: str, backup: Path) -> bool:
    """Copy the file at `path` (a link as a link) into `backup`; False when there is none."""
    source = project / path
    if not os.path.lexists(source) or (source.is_dir() and not source.is_symlink()):
        return False
    copy = backup / path
    copy.parent.mkdir(parents=True, exist_ok=True)
    if source.is_symlink():
        os.symlink(os.readlink(source), copy)
    else:
        shutil.copy2(source, copy)
    return True


def _checkout(repository: Repository, writes: list[Write]) -> None:
    """git writes the files, from a private index holding just them, as a checkout would."""
    if not writes:
        return
    git = repository.git()
    with private_index(git) as indexed:
        fill_index(indexed, {repository.project_path(w.path): w.entry for w in writes if w.entry is not None})
        names = b"".join(repository.project_path(w.path).encode("utf-8", "surrogateescape") + b"\0" for w in writes)
        indexed.run("checkout-index", "-f", "-z", "--stdin", input=names)


def _stage(repository: Repository, conflicts: Mapping[str, Mapping[int, Entry]]) -> None:
    """Give each conflicted file git's three stages in the project's index (base, yours, advisor's)."""
    if not conflicts:
        return
    lines = []
    for path, stages in sorted(conflicts.items()):
        name = repository.project_path(path)
        lines.append(removal_record(name, repository.object_format))
        lines += [index_record(name, entry, stage) for stage, entry in sorted(stages.items())]
    repository.git().run("update-index", "-z", "--index-info", input=b"".join(lines))


def _restore(project: Path, backup: Path, backed_up: list[str], created: list[str]) -> None:
    for path in created:
        with contextlib.suppress(OSError):
            (project / path).unlink()
            _remove_empty_parents(project, (project / path).parent)
    for path in backed_up:
        target, copy = project / path, backup / path
        with contextlib.suppress(OSError):
            target.parent.mkdir(parents=True, exist_ok=True)
            if os.path.lexists(target) and not (target.is_dir() and not target.is_symlink()):
                target.unlink()
            if copy.is_symlink():
                os.symlink(os.readlink(copy), target)
            else:
                shutil.copy2(copy, target)


def _restore_index(repository: Repository, saved: bytes, conflicts: list[str]) -> None:
    if not conflicts:
        return
    removal = b"".join(removal_record(repository.project_path(path), repository.object_format) for path in conflicts)
    with contextlib.suppress(GitError):
        repository.git().run("update-index", "-z", "--index-info", input=removal + saved)


def _remove_empty_parents(project: Path, folder: Path) -> None:
    while folder != project and project in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
