"""The three-way merge of `advisor update`, done by git in a scratch repository.

The scratch repository borrows the project's object store (alternates) and writes its own objects apart, so
nothing lands in the project's repository unless the update is applied. It merges trees in repository form:
no attributes, filters or line-ending conversion apply there (the project's working-tree conversions are
applied when the result is written back, by git's own checkout). The user's conflict style is honoured and
conflict markers say whose side is whose.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from advisor import __version__
from advisor.project.git import FALLBACK_IDENTITY, SYMLINK, Entry, Git, GitError, Tree, commit_tree, write_tree
from advisor.project.policies import UpdateManifest

THEIRS_BRANCH = "advisor-update"
YOURS_BRANCH = "yours"
# git status codes of an unmerged path, and what they mean here ("us" is you, "them" the new render).
CONFLICT_KINDS = {
    "UU": "both modified", "AA": "both added", "UD": "you changed it; advisor's new render deletes it",
    "DU": "deleted by you, changed by advisor", "AU": "added by you", "UA": "added by advisor",
    "DD": "both deleted",
}
# Bytes as they are: no line-ending conversion, no hooks, no signature checks, links as links.
SCRATCH_SETTINGS = {
    "core.autocrlf": "false", "core.eol": "lf", "core.hooksPath": os.devnull, "merge.verifySignatures": "false",
    "core.symlinks": "true", "core.safecrlf": "false", "gc.auto": "0", "rerere.enabled": "false",
}
# The project's own .gitattributes are checked out with its files: these win over them in the scratch work tree.
NO_CONVERSIONS = "* -text -filter -ident !eol !working-tree-encoding\n"


def scratch_config(conflict_style: str | None) -> dict[str, str]:
    """GIT_CONFIG_* variables for the scratch repository, with the project's conflict style (diff3, zdiff3)."""
    settings = {**SCRATCH_SETTINGS, **({"merge.conflictStyle": conflict_style} if conflict_style else {})}
    variables = {"GIT_CONFIG_COUNT": str(len(settings))}
    for number, (key, value) in enumerate(settings.items()):
        variables[f"GIT_CONFIG_KEY_{number}"] = key
        variables[f"GIT_CONFIG_VALUE_{number}"] = value
    return variables


@dataclass(frozen=True)
class Merged:
    folder: Path  # the scratch work tree: merged files, conflicted ones with git's markers
    git: Git  # the scratch repository
    files: dict[str, Entry]  # stage 0: the merged tree's files
    conflicts: dict[str, dict[int, Entry]]  # path -> stage (1 base, 2 yours, 3 theirs) -> entry
    kinds: dict[str, str] = field(default_factory=dict)  # path -> git status code (UU, DU, ...)


def merge_trees(
    folder: Path, store: Git, object_format: str, base: Tree, ours: Tree, theirs: Tree,
    manifest: UpdateManifest, package: str, style: str | None = None,
) -> Merged:
    """git merges `theirs` into `ours` from `base`; per-file policies settle their files afterwards."""
    folder.mkdir()
    git = Git(folder, {**store.env, **scratch_config(style), **FALLBACK_IDENTITY})
    git.run("init", "-q", f"--object-format={object_format}")
    info = folder / ".git" / "info"
    info.mkdir(exist_ok=True)
    (info / "attributes").write_text(NO_CONVERSIONS, encoding="utf-8")
    base_commit = commit_tree(git, write_tree(git, base), [], "the last render")
    ours_commit = commit_tree(git, write_tree(git, ours), [base_commit], "your files")
    theirs_commit = commit_tree(git, write_tree(git, theirs), [base_commit], "the new render")
    git.run("update-ref", f"refs/heads/{YOURS_BRANCH}", ours_commit)
    git.run("update-ref", f"refs/heads/{THEIRS_BRANCH}", theirs_commit)
    git.run("symbolic-ref", "HEAD", f"refs/heads/{YOURS_BRANCH}")
    git.run("read-tree", "-u", "--reset", YOURS_BRANCH)
    result = git.run("merge", "--no-ff", "--no-commit", "--no-edit", "-q", THEIRS_BRANCH, check=False)
    if result.returncode not in (0, 1) or (result.returncode == 1 and not _unmerged(git)):
        raise GitError(f"git merge failed: {_last_line(result.stderr or result.stdout)}")
    for path in sorted(set(ours) | set(theirs) | _unmerged(git)):
        policy = manifest.policy(path, package)
        if policy == "replace":
            _take(git, path, THEIRS_BRANCH if path in theirs else None)
        elif policy == "keep":
            if path in ours:
                _take(git, path, YOURS_BRANCH)
            elif path in base:  # you deleted it: it stays deleted
                _take(git, path, None)
    files: dict[str, Entry] = {}
    conflicts: dict[str, dict[int, Entry]] = {}
    for record in git.run("ls-files", "-s", "-z").stdout.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, oid, stage = meta.decode().split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if stage == "0":
            files[path] = Entry(mode, oid)
        else:
            conflicts.setdefault(path, {})[int(stage)] = Entry(mode, oid)
    kinds = {}
    status = git.run("status", "--porcelain=v1", "-z", "--no-renames").stdout.decode("utf-8", "surrogateescape")
    for item in status.split("\0"):
        if len(item) > 3 and item[:2] in CONFLICT_KINDS:
            kinds[item[3:]] = item[:2]
    for path, stages in conflicts.items():
        _relabel(git, folder / path, stages)
    return Merged(folder, git, files, conflicts, kinds)


def _last_line(output: bytes) -> str:
    lines = [line.strip() for line in output.decode("utf-8", "replace").splitlines() if line.strip()]
    return (lines or ["no output"])[-1][:300]


def _relabel(git: Git, path: Path, stages: Mapping[int, Entry]) -> None:
    """Redo a text conflict with labels that say whose side is whose (`<<<<<<< yours`, `>>>>>>> advisor
    0.3.0`) instead of the scratch repository's HEAD and branch name; same merge, same conflict style."""
    if 2 not in stages or 3 not in stages or SYMLINK in (stages[2].mode, stages[3].mode):
        return
    with tempfile.TemporaryDirectory(prefix="advisor-conflict-") as scratch:
        sides = []
        for stage in (2, 1, 3):
            side = Path(scratch) / str(stage)
            side.write_bytes(git.run("cat-file", "blob", stages[stage].oid).stdout if stage in stages else b"")
            sides.append(str(side))
        labels = ["-L", "yours", "-L", "the last render", "-L", f"advisor {__version__}"]
        result = git.run("merge-file", "-p", *labels, *sides, check=False)
        if 0 < result.returncode < 128 and b"\0" not in result.stdout:  # conflicts found; not binary, no error
            path.write_bytes(result.stdout)


def _unmerged(git: Git) -> set[str]:
    output = git.run("diff", "--name-only", "--diff-filter=U", "-z").stdout.decode("utf-8", "surrogateescape")
    return {path for path in output.split("\0") if path}


def _take(git: Git, path: str, side: str | None) -> None:
    """Resolve `path` to one side's version (None: remove it), conflict stages included."""
    if side is not None:
        git.run("checkout", side, "--", path)
        return
    git.run("rm", "-q", "-f", "--cached", "--ignore-unmatch", "--", path)
    with contextlib.suppress(FileNotFoundError):
        (git.cwd / path).unlink()


def result_entry(merged: Merged, path: str) -> Entry | None:
    """What `path` becomes: its merged entry, or for a conflict the file git left (markers and all), stored
    in the scratch repository; None when the merge leaves no file there."""
    if path in merged.files:
        return merged.files[path]
    file = merged.folder / path
    if path not in merged.conflicts or not os.path.lexists(file) or (file.is_dir() and not file.is_symlink()):
        return None
    if file.is_symlink():
        oid = merged.git.text("hash-object", "-w", "--stdin", input=os.fsencode(os.readlink(file)))
        return Entry(SYMLINK, oid)
    stages = merged.conflicts.get(path, {})
    mode = next((stages[stage].mode for stage in (2, 3, 1) if stage in stages), "100644")
    return Entry(mode, merged.git.text("hash-object", "-w", "--no-filters", "--", path))
