"""git, run as a subprocess: the plumbing `advisor new` and `advisor update` need, and nothing more.

Every call runs with a clean environment (no GIT_DIR or GIT_INDEX_FILE from a hook or a shell leaking in),
a C locale (messages advisor parses), no terminal prompts and no pager. Trees and commits are built with
plumbing (hash-object, update-index on a private index, write-tree, commit-tree), so no hook, filter or
signing prompt of the user's configuration runs; the user's merge settings (conflict style) still apply.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from advisor.errors import AdvisorError
from advisor.text import printable, shorten

# Variables that would point git at another repository, index or object store than the one we name.
LEAKY_VARIABLES = (
    "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_PREFIX", "GIT_QUARANTINE_PATH",
)
FALLBACK_IDENTITY = {
    "GIT_AUTHOR_NAME": "advisor", "GIT_AUTHOR_EMAIL": "advisor@localhost",
    "GIT_COMMITTER_NAME": "advisor", "GIT_COMMITTER_EMAIL": "advisor@localhost",
}
REGULAR, EXECUTABLE, SYMLINK = "100644", "100755", "120000"


class GitError(AdvisorError):
    """git failed, or is missing; the message is one line."""

    exit_code = 1


def git_available() -> bool:
    return shutil.which("git") is not None


@dataclass(frozen=True)
class Entry:
    """A file in a tree: its mode (100644, 100755 or 120000) and object id."""

    mode: str
    oid: str


Tree = Mapping[str, Entry]  # posix path relative to the project -> entry


@dataclass(frozen=True)
class Git:
    """git in a folder, optionally with its own object store or index (for scratch repositories)."""

    cwd: Path
    env: Mapping[str, str] = field(default_factory=dict)

    def with_env(self, **extra: str) -> Git:
        return Git(self.cwd, {**self.env, **extra})

    def environment(self) -> dict[str, str]:
        base = {key: value for key, value in os.environ.items() if key not in LEAKY_VARIABLES}
        base.update(LC_ALL="C", LANGUAGE="C", GIT_TERMINAL_PROMPT="0", GIT_PAGER="cat", GIT_EDITOR=":")
        base.update(GIT_OPTIONAL_LOCKS="0")  # `git status` must not rewrite the index: a dry run writes nothing
        base.update(self.env)
        return base

    def run(self, *args: str, input: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        try:
            # Its own session: Ctrl-C at the terminal reaches advisor, which decides whether git may finish
            # (a write that must complete runs under interrupts.deferred) or is stopped.
            result = subprocess.run(
                ["git", *args], cwd=self.cwd, env=self.environment(), input=input,
                stdin=None if input is not None else subprocess.DEVNULL, capture_output=True, check=False,
                start_new_session=os.name == "posix",
            )
        except FileNotFoundError:
            if not git_available():
                raise GitError("git is not installed (not on PATH)") from None
            raise GitError(f"cannot run git in {printable(str(self.cwd))}: no such folder") from None
        if check and result.returncode != 0:
            raise GitError(f"git {args[0]} failed: {_first_line(result.stderr or result.stdout)}")
        return result

    def text(self, *args: str, input: bytes | None = None) -> str:
        return self.run(*args, input=input).stdout.decode("utf-8", "surrogateescape").strip()

    def ok(self, *args: str) -> bool:
        return self.run(*args, check=False).returncode == 0


def _first_line(output: bytes) -> str:
    lines = [line.strip() for line in output.decode("utf-8", "replace").splitlines() if line.strip()]
    # git's last "fatal:" line says what went wrong; hints come before it.
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return printable(shorten((fatal or lines or ["no output"])[-1], 300))


@dataclass(frozen=True)
class Repository:
    """The work tree a project folder sits in."""

    top: Path  # the work tree's top folder
    git_dir: Path
    objects: Path  # the object store (shared by linked worktrees)
    prefix: str  # the project's folder relative to top, posix; "" when the project is the top
    object_format: str = "sha1"

    def git(self, path: Path | None = None) -> Git:
        return Git(path or self.top)

    def project_path(self, relative: str) -> str:
        """A project path as the repository's index names it."""
        return f"{self.prefix}/{relative}" if self.prefix else relative


class UnusableRepository(GitError):
    """`folder` is in a work tree git refuses to work in (another user's: "dubious ownership")."""

    exit_code = 2


def _one_path(git: Git, *args: str) -> Path:
    """A path git prints alone (only its final newline taken off: a path may hold newlines itself)."""
    output = git.run("rev-parse", *args).stdout.decode("utf-8", "surrogateescape")
    return Path(output[:-1] if output.endswith("\n") else output)


def find_repository(folder: Path) -> Repository | None:
    """The git work tree `folder` is in, or None (not in one, inside a .git folder, or git is missing).

    UnusableRepository when git refuses the repository (owned by someone else)."""
    if not git_available():
        return None
    git = Git(folder)
    inside = git.run("rev-parse", "--is-inside-work-tree", check=False)
    if inside.returncode != 0:
        message = inside.stderr.decode("utf-8", "replace")
        if "dubious ownership" in message or "safe.directory" in message:
            raise UnusableRepository(
                f"git refuses the repository around {printable(str(folder))}: it belongs to another user "
                "(git's safe.directory setting decides whether you trust it)"
            )
        return None
    if inside.stdout.strip() != b"true":
        return None
    top = _one_path(git, "--show-toplevel")
    objects = _one_path(git, "--git-path", "objects")
    objects = objects if objects.is_absolute() else folder / objects
    prefix = Path(os.path.relpath(folder.resolve(), top.resolve())).as_posix()
    object_format = git.run("rev-parse", "--show-object-format", check=False).stdout.decode().strip()
    return Repository(
        top, _one_path(git, "--absolute-git-dir"), objects.resolve(), "" if prefix == "." else prefix,
        object_format or "sha1",
    )


def c_quoted(path: Path) -> str:
    """A path for GIT_ALTERNATE_OBJECT_DIRECTORIES, whose entries are split at ':' unless C-quoted."""
    text = os.fsdecode(path)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def file_entry_mode(path: Path) -> str:
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        return SYMLINK
    return EXECUTABLE if info.st_mode & stat.S_IXUSR else REGULAR


def hash_files(git: Git, root: Path, paths: Iterable[str], filters: bool = False) -> dict[str, Entry]:
    """Write the files at `paths` (relative to `root`) into git's object store, links as links. Without
    `filters` the bytes are stored as they are; with them, as `git add` would store them in the repository
    `git` runs in (its line-ending settings, attributes and clean filters applied). Returns tree entries."""
    no_filters = [] if filters else ["--no-filters"]
    entries: dict[str, Entry] = {}
    regular: list[tuple[str, str]] = []
    for relative in paths:
        path = root / relative
        mode = file_entry_mode(path)
        if mode == SYMLINK:
            target = os.fsencode(os.readlink(path))
            entries[relative] = Entry(mode, git.text("hash-object", "-w", "--stdin", input=target))
        elif "\n" in str(path):  # --stdin-paths reads lines: such a path goes on its own
            entries[relative] = Entry(mode, git.text("hash-object", "-w", *no_filters, "--", str(path)))
        else:
            regular.append((relative, mode))
    if regular:
        listing = "".join(f"{root / relative}\n" for relative, _ in regular).encode("utf-8", "surrogateescape")
        oids = git.text("hash-object", "-w", *no_filters, "--stdin-paths", input=listing).split("\n")
        if len(oids) != len(regular):
            raise GitError("git hash-object failed: it did not hash every file")
        for (relative, mode), oid in zip(regular, oids):
            entries[relative] = Entry(mode, oid)
    return entries


def files_under(root: Path, skip: tuple[str, ...] = (".git",)) -> list[str]:
    """Every file (and link) under `root`, as sorted posix paths, skipping the named top-level entries."""
    found: list[str] = []
    for folder, folders, files in os.walk(root):
        here = Path(folder)
        if here == root:
            folders[:] = [name for name in folders if name not in skip]
            files = [name for name in files if name not in skip]
        for name in list(folders):
            if (here / name).is_symlink():  # a link to a folder is an entry, not a folder to walk
                folders.remove(name)
                files.append(name)
        found.extend((here / name).relative_to(root).as_posix() for name in files)
    return sorted(found)


@contextlib.contextmanager
def private_index(git: Git) -> Iterator[Git]:
    """`git` with an index file of its own (removed after), so building a tree never touches the user's."""
    with tempfile.TemporaryDirectory(prefix="advisor-index-") as folder:
        yield git.with_env(GIT_INDEX_FILE=str(Path(folder) / "index"))


def index_record(path: str, entry: Entry, stage: int = 0) -> bytes:
    """One record for `git update-index -z --index-info`."""
    return f"{entry.mode} {entry.oid} {stage}\t".encode() + path.encode("utf-8", "surrogateescape") + b"\0"


def removal_record(path: str, object_format: str) -> bytes:
    """The `--index-info` record that drops every stage of `path` (mode 0, the null object id)."""
    return index_record(path, Entry("0", "0" * (64 if object_format == "sha256" else 40)))


def fill_index(git: Git, tree: Tree) -> None:
    """Add `tree`'s files to the index `git` uses (stage 0)."""
    listing = b"".join(index_record(path, entry) for path, entry in sorted(tree.items()))
    if listing:
        git.run("update-index", "--add", "-z", "--index-info", input=listing)


def write_tree(git: Git, tree: Tree) -> str:
    """The object id of a tree holding exactly `tree`."""
    with private_index(git) as indexed:
        fill_index(indexed, tree)
        return indexed.text("write-tree")


def read_tree(git: Git, treeish: str) -> dict[str, Entry]:
    """The files of a tree or commit (recursively), by path."""
    output = git.run("ls-tree", "-r", "-z", "--full-tree", treeish).stdout
    entries: dict[str, Entry] = {}
    for record in output.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode, kind, oid = meta.decode().split()
        if kind == "blob":
            entries[path.decode("utf-8", "surrogateescape")] = Entry(mode, oid)
    return entries


def identity(git: Git) -> dict[str, str]:
    """The user's own git identity if git knows one; otherwise advisor's, so a commit never fails for it."""
    if git.ok("var", "GIT_COMMITTER_IDENT") and git.ok("var", "GIT_AUTHOR_IDENT"):
        return {}
    return dict(FALLBACK_IDENTITY)


def commit_tree(git: Git, tree: str, parents: Iterable[str], message: str) -> str:
    arguments = ["commit-tree", "--no-gpg-sign", tree]
    for parent in parents:
        arguments += ["-p", parent]
    return git.with_env(**identity(git)).text(*arguments, "-F", "-", input=message.encode())


def resolve_ref(git: Git, ref: str) -> str | None:
    result = git.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    return result.stdout.decode().strip() if result.returncode == 0 else None
