"""The pristine state: what advisor last generated for a project, kept in the project's own git.

`advisor update` merges the user's files with a new render three ways, and the base of that merge is the
previous render. advisor ships its template inside its own wheel, so after an upgrade the old template is
gone: the base must live with the project. It lives on a ref of the repository, `refs/advisor/pristine`
for a project at the top of its work tree, `refs/advisor/pristine_<folder>` (percent-encoded) for one in a
subfolder. Each commit on it holds one render (the project's files at the tree's root); each update adds one
whose parent is the last.

`advisor new DIR` makes DIR a repository with one commit of the generated files (that commit is also the
first pristine one), or, when DIR is inside an existing work tree, records the pristine commit there without
touching the user's branch or index.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from advisor.project.git import (
    Git,
    GitError,
    Repository,
    Tree,
    commit_tree,
    fill_index,
    find_repository,
    git_available,
    hash_files,
    identity,
    resolve_ref,
    write_tree,
)
from advisor.project.record import RECORD_PATH

PRISTINE_REF = "refs/advisor/pristine"
SAFE_REF_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def pristine_ref(prefix: str) -> str:
    """The ref holding the pristine renders of the project at `prefix` (posix, "" for the top)."""
    if not prefix:
        return PRISTINE_REF
    encoded = "".join(
        char if char in SAFE_REF_CHARACTERS else "".join(f"%{byte:02X}" for byte in os.fsencode(char))
        for char in prefix
    )
    return f"{PRISTINE_REF}_{encoded}"


@dataclass(frozen=True)
class VersionControl:
    """What `advisor new` did with git, for the user to read."""

    kind: str  # "repository" (made one), "recorded" (inside an existing work tree), "none"
    detail: str  # one line: where, or why nothing was done


NO_VERSION_CONTROL = VersionControl("none", "")


def commit_message(summary: str, body: str = "") -> str:
    return f"{summary}\n\n{body}\n" if body else f"{summary}\n"


def record_new_project(project: Path, files: list[str], use_git: bool, message: str) -> VersionControl:
    """After `advisor new` placed `files` (relative paths) in `project`: make it a repository with one commit,
    or record the pristine state in the work tree it is already in. Never fails the generation: a git error
    comes back as a note."""
    if not use_git:
        return VersionControl("none", "no git repository (--no-git); advisor update needs one")
    if not git_available():
        return VersionControl("none", "git is not installed, so no repository was made; advisor update needs one")
    try:
        repository = find_repository(project)
        if repository is None:
            return _new_repository(project, files, message)
        tip = resolve_ref(repository.git(), pristine_ref(repository.prefix))
        tree = write_tree(repository.git(), hash_files(Git(project), project, files))
        commit = commit_tree(repository.git(), tree, [tip] if tip else [], message)
        repository.git().run("update-ref", "-m", "advisor new", pristine_ref(repository.prefix), commit)
    except GitError as error:
        return VersionControl("none", f"{error}; the project is complete, but advisor update will need git")
    where = repository.prefix or "."
    ignored = repository.git().ok("check-ignore", "-q", "--", repository.project_path(RECORD_PATH.as_posix()))
    warning = "; but git ignores this folder there, so advisor update will not see it" if ignored else ""
    return VersionControl(
        "none" if ignored else "recorded",
        f"inside the git work tree {repository.top} (as {where}): nothing committed; the generated state is on "
        f"{pristine_ref(repository.prefix)}{warning}",
    )


def _new_repository(project: Path, files: list[str], message: str) -> VersionControl:
    git = Git(project)
    made = not (project / ".git").exists()
    try:
        git.run("init", "-q")
        entries = hash_files(git, project, files)
        fill_index(git, entries)  # the repository's own index: the working tree is exactly this commit
        commit = commit_tree(git, git.text("write-tree"), [], message)
        git.run("update-ref", "-m", "advisor new", "HEAD", commit)
        git.run("update-ref", "-m", "advisor new", PRISTINE_REF, commit)
        git.run("update-index", "-q", "--refresh", check=False)  # stat data, so `git status` is quick and clean
    except GitError as error:
        if made:
            import shutil

            shutil.rmtree(project / ".git", ignore_errors=True)
        return VersionControl("none", f"{error}; the project is complete, but advisor update will need git")
    branch = git.run("symbolic-ref", "--short", "-q", "HEAD", check=False).stdout.decode().strip() or "HEAD"
    anonymous = " (authored by advisor: git has no identity of yours here)" if identity(git) else ""
    return VersionControl("repository", f"a repository with one commit on {branch}{anonymous}")


@dataclass(frozen=True)
class Base:
    """The render an update merges from: a pristine commit, or a fresh render when there is none."""

    commit: str | None  # the pristine commit, None when adopted
    tip: str | None  # the pristine ref's newest commit (the new one's parent)
    note: str = ""  # how the base was found, when it is not simply the last render


def find_base(repository: Repository, project: Path) -> Base | None:
    """The pristine commit the project's files descend from, or None when the project has no pristine ref.

    Normally the ref's newest commit. If the user threw an update away (git checkout, stash, reset), the
    record on disk is that of an older render: the newest pristine commit whose record matches it is the base.
    """
    git = repository.git()
    ref = pristine_ref(repository.prefix)
    tip = resolve_ref(git, ref)
    if tip is None:
        return None
    record = project / RECORD_PATH
    if not record.is_file():
        return Base(tip, tip)
    # As git would store it (your line-ending settings applied), without writing anything.
    on_disk = Git(project).text("hash-object", "--", RECORD_PATH.as_posix())
    commits = git.text("rev-list", "--first-parent", "--max-count=200", tip).split()
    for number, commit in enumerate(commits):
        found = git.run("rev-parse", "--verify", "--quiet", f"{commit}:{RECORD_PATH.as_posix()}", check=False)
        if found.returncode == 0 and found.stdout.decode().strip() == on_disk:
            note = "" if number == 0 else f"your record matches an earlier render ({commit[:12]}): merging from it"
            return Base(commit, tip, note)
    return Base(tip, tip)


def store_pristine(repository: Repository, tree: Tree, parent: str | None, message: str) -> str:
    """Commit a new render's tree on the project's pristine ref; returns the commit."""
    git = repository.git()
    written = write_tree(git, tree)
    if parent is not None and git.text("rev-parse", f"{parent}^{{tree}}") == written:
        return parent  # the same render again (an update thrown away and made anew): no new commit
    commit = commit_tree(git, written, [parent] if parent else [], message)
    ref = pristine_ref(repository.prefix)
    old = [parent] if parent else []
    git.run("update-ref", "-m", "advisor update", ref, commit, *old)
    return commit
