"""`update_project`: bring a generated project up to new answers or a newer advisor, keeping the user's work.

Three trees meet: the base (the last render, kept on the project's pristine ref, see pristine.py), yours (the
project's files as they are, uncommitted edits included, git's ignore rules honoured) and theirs (a new render
from the record, the changed answers and the running advisor's template). git merges them in a scratch
repository that shares the project's object store, so its rename detection, conflict markers and conflict
stages are git's own; the result is written into the project's working tree, uncommitted. Conflicted files
keep git's three stages in the project's index, so `git status`, `git mergetool` and editors see a real
conflict. Before the merge: a file you deleted stays deleted; files the template moved follow declared
migrations; per-file policies (policies.py) say which files advisor replaces or never touches.

Nothing is written until everything is computed; `dry_run` writes nothing at all (its objects go to a
scratch store that only borrows the project's).
"""

from __future__ import annotations

import contextlib
import difflib
import os
import shlex
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from advisor import __version__
from advisor.decide.answers import PROJECT_KEYS, collect
from advisor.decide.engine import Recommendation, recommend
from advisor.decide.rules import RuleSet
from advisor.errors import InputError
from advisor.files import resolved
from advisor.interrupts import deferred
from advisor.project.git import (
    SYMLINK,
    Entry,
    Git,
    GitError,
    Repository,
    Tree,
    commit_tree,
    files_under,
    find_repository,
    git_available,
    hash_files,
    read_tree,
    write_tree,
)
from advisor.project.plan import GenerationPlan, plan_generation
from advisor.project.policies import UpdateManifest, load_manifest
from advisor.project.pristine import commit_message, find_base, store_pristine
from advisor.project.record import RECORD_PATH, REPLAY_DEFAULTED, ProjectRecord, read_record
from advisor.project.render import render_into, template_digest
from advisor.project.settings import project_settings
from advisor.text import shorten

ChangeKind = Literal["added", "modified", "deleted", "conflict"]
THEIRS_BRANCH = "advisor-update"  # the name git's conflict markers give the new render (`>>>>>>> advisor-update`)
YOURS_BRANCH = "yours"
# The scratch repository merges bytes as they are: no line-ending conversion, no hooks, no signature checks.
SCRATCH_SETTINGS = {
    "core.autocrlf": "false", "core.hooksPath": os.devnull, "merge.verifySignatures": "false", "core.symlinks": "true",
}


def scratch_config(conflict_style: str | None) -> dict[str, str]:
    """GIT_CONFIG_* variables for the scratch repository, with the project's conflict style (diff3, zdiff3)."""
    settings = {**SCRATCH_SETTINGS, **({"merge.conflictStyle": conflict_style} if conflict_style else {})}
    variables = {"GIT_CONFIG_COUNT": str(len(settings))}
    for number, (key, value) in enumerate(settings.items()):
        variables[f"GIT_CONFIG_KEY_{number}"] = key
        variables[f"GIT_CONFIG_VALUE_{number}"] = value
    return variables
DIFF_LIMIT = 400_000  # characters of --dry-run diff; the rest is summarised
# git status codes of an unmerged path, and what they mean here ("us" is you, "them" the new render).
CONFLICT_KINDS = {
    "UU": "both modified", "AA": "both added", "UD": "you changed it; advisor's new render deletes it",
    "DU": "deleted by you, changed by advisor", "AU": "added by you", "UA": "added by advisor",
    "DD": "both deleted",
}


@dataclass(frozen=True)
class UpdateRequest:
    directory: Path
    answer_flags: tuple[str, ...] = ()
    answers_file: Path | None = None
    dry_run: bool = False
    allow_dirty: bool = False


@dataclass(frozen=True)
class FileChange:
    path: str  # relative to the project, posix
    kind: ChangeKind
    detail: str = ""  # "merged with your edits", a conflict's kind
    code: str = ""  # a conflict's two letters in `git status --short` (UU, AA, UD, ...)


@dataclass(frozen=True)
class AnswerChange:
    question: str
    before: str | None  # None: not asked before
    after: str | None  # None: no longer asked


@dataclass(frozen=True)
class UpdateResult:
    path: Path
    plan: GenerationPlan
    record: ProjectRecord  # the record before the update
    answer_changes: tuple[AnswerChange, ...]
    changes: tuple[FileChange, ...]
    dry_run: bool
    diff: str = ""  # --dry-run: the unified diff of what would change
    notes: tuple[str, ...] = ()
    recommended_other: str | None = None  # these answers now recommend another framework (or rule this one out)
    up_to_date: bool = False  # nothing new from advisor: no file touched

    @property
    def conflicts(self) -> tuple[FileChange, ...]:
        return tuple(change for change in self.changes if change.kind == "conflict")

    @property
    def recommendation(self) -> Recommendation:
        return self.plan.recommendation


def update_project(ruleset: RuleSet, request: UpdateRequest) -> UpdateResult:
    """Merge a new render into the project at `request.directory`; see the module's docstring.

    Raises InputError (exit 2) for bad answers, a folder that is not an advisor project or not in git, or
    uncommitted changes without `allow_dirty`; nothing is written then.
    """
    project = resolved(request.directory, "DIR")
    record = read_record(project)
    repository = _repository_of(project)
    _refuse_unresolved(repository, project)
    if not request.allow_dirty:
        _refuse_uncommitted(repository, project)
    collected = collect(
        ruleset.questionnaire, request.answer_flags, request.answers_file, base=_recorded_answers(record)
    )
    notes: list[str] = []
    settings = collected.settings
    ignored = [key for key in PROJECT_KEYS if key in settings and _differs(settings[key], record, key)]
    if ignored:
        notes.append(f"ignored {', '.join(ignored)} from --answers: an update keeps the project's own")
    plan, other = _plan(ruleset, record, collected.answers)
    manifest = load_manifest()
    with tempfile.TemporaryDirectory(prefix="advisor-update-") as scratch_name:
        scratch = Path(scratch_name)
        store = _object_store(repository, scratch, request.dry_run)
        theirs_dir = scratch / "theirs"
        theirs_dir.mkdir()
        theirs_root = render_into(plan, theirs_dir)
        theirs = hash_files(store, theirs_root, files_under(theirs_root))
        base = find_base(repository, project)
        if base is None:
            base_tree = _adopted_base(ruleset, record, scratch, store, notes)
        else:
            base_tree = read_tree(store, base.commit or "")
            if base.note:
                notes.append(base.note)
        on_disk = hash_files(store, project, _project_files(repository, project))
        moves = manifest.moves(record.advisor_version, __version__, plan.settings.package)
        base_tree, ours = _moved(base_tree, moves), _moved(on_disk, moves)
        answer_changes = _answer_changes(_last_answers(store, base.commit if base else None, record), plan)
        if dict(theirs) == dict(base_tree) and not moves:
            return UpdateResult(
                project, plan, record, answer_changes, (), request.dry_run, notes=tuple(notes),
                recommended_other=other, up_to_date=True,
            )
        style = Git(project).run("config", "--get", "merge.conflictStyle", check=False).stdout.decode().strip()
        merged = _merge(
            scratch / "merge", store, repository.object_format, base_tree, ours,
            _honour_deletions(store, base_tree, ours, theirs), manifest, plan.settings.package, style or None,
        )
        changes = _changes(base_tree, on_disk, merged)
        _refuse_clobbering(project, changes)
        if request.dry_run:
            diff = _diff(project, merged.folder, changes)
            return UpdateResult(
                project, plan, record, answer_changes, changes, True, diff, tuple(notes), other,
            )
        with deferred():  # a signal waits until every file is written and the index and ref agree
            _apply(project, merged, changes)
            _stage_conflicts(repository, merged)
            store_pristine(
                repository, theirs, base.tip if base else None, _update_message(answer_changes, plan),
            )
    return UpdateResult(project, plan, record, answer_changes, changes, False, "", tuple(notes), other)


def _repository_of(project: Path) -> Repository:
    if not git_available():
        raise InputError("advisor update merges with git, which is not installed (not on PATH)")
    repository = find_repository(project)
    if repository is None:
        folder = shlex.quote(str(project))
        raise InputError(
            f"DIR: {project} is not in a git repository; advisor update merges with git. Make it one with "
            f"`git -C {folder} init -q && git -C {folder} add -A && git -C {folder} commit -qm 'My project'`, "
            "then run the update again"
        )
    return repository


def _status(repository: Repository, project: Path) -> list[tuple[str, str]]:
    """(two-letter code, path) for each changed, unmerged or untracked file in the project's folder."""
    output = Git(project).run(
        "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", "."
    ).stdout.decode("utf-8", "surrogateescape")
    entries = []
    for item in output.split("\0"):
        if len(item) > 3:
            entries.append((item[:2], item[3:]))
    return entries


def _refuse_unresolved(repository: Repository, project: Path) -> None:
    unmerged = [path for code, path in _status(repository, project) if code in CONFLICT_KINDS]
    if unmerged:
        raise InputError(
            f"DIR: {len(unmerged)} file(s) still have conflicts ({_listed(unmerged)}); resolve them and "
            "`git add` them first"
        )


def uncommitted_changes(project: Path) -> list[str]:
    """The project's files with uncommitted changes (empty when it is not in git: the update will say so)."""
    repository = find_repository(resolved(project, "DIR"))
    return [] if repository is None else [path for _, path in _status(repository, resolved(project, "DIR"))]


def _refuse_uncommitted(repository: Repository, project: Path) -> None:
    status = _status(repository, project)
    changed = [path for _, path in status]
    if not changed:
        return
    never_committed = all(code == "??" for code, _ in status) and not Git(project).ok(
        "ls-files", "--error-unmatch", RECORD_PATH.as_posix()
    )
    if never_committed:
        raise InputError(
            f"DIR: the project's files are not committed to the repository at {repository.top} yet; commit them "
            "(advisor merges into what you have committed), or pass --allow-dirty"
        )
    raise InputError(
        f"DIR: {len(changed)} uncommitted change(s) ({_listed(changed)}); commit or stash them first, "
        "or pass --allow-dirty to merge into them"
    )


def _listed(paths: list[str], limit: int = 3) -> str:
    shown = ", ".join(shorten(path, 60) for path in paths[:limit])
    return shown + (f", and {len(paths) - limit} more" if len(paths) > limit else "")


def _recorded_answers(record: ProjectRecord) -> dict[str, Any]:
    return {**record.answers, REPLAY_DEFAULTED: list(record.defaulted)}


def _differs(value: Any, record: ProjectRecord, key: str) -> bool:
    current = {"name": record.name, "description": record.description, "framework": record.framework}[key]
    return str(value).strip().lower() not in (current.lower(), "auto" if key == "framework" else current.lower())


def _plan(ruleset: RuleSet, record: ProjectRecord, answers: Mapping[str, str]) -> tuple[GenerationPlan, str | None]:
    """The new render's plan: the record's framework always; 'recommended' only while advisor still picks it."""
    rec = recommend(ruleset, answers)
    still_recommended = record.framework_source == "recommended" and rec.framework == record.framework
    settings = project_settings(record.name, record.description, "auto" if still_recommended else record.framework)
    other = None
    switched = record.framework_source == "recommended" and rec.framework != record.framework
    if switched or record.framework in rec.evaluation.excluded:
        other = rec.framework or "none"
    return plan_generation(rec, settings), other


def _object_store(repository: Repository, scratch: Path, dry_run: bool) -> Git:
    """git whose new objects go into the project's repository, or (dry run) a scratch store borrowing it."""
    if not dry_run:
        return Git(repository.top, {"GIT_OBJECT_DIRECTORY": str(repository.objects)})
    objects = scratch / "objects"
    objects.mkdir()
    return Git(
        repository.top,
        {"GIT_OBJECT_DIRECTORY": str(objects), "GIT_ALTERNATE_OBJECT_DIRECTORIES": str(repository.objects)},
    )


def _adopted_base(ruleset: RuleSet, record: ProjectRecord, scratch: Path, store: Git, notes: list[str]) -> Tree:
    """No pristine ref (a project made before advisor kept one, or with --no-git): the record's answers
    rendered by this advisor stand in for the last render."""
    collected = collect(ruleset.questionnaire, base=_recorded_answers(record))
    plan, _ = _plan(ruleset, record, collected.answers)
    folder = scratch / "base"
    folder.mkdir()
    root = render_into(plan, folder)
    if record.template_digest != template_digest():
        notes.append(
            "no record of the last render (refs/advisor/pristine): merged from this advisor's render of the "
            f"recorded answers; what advisor {record.advisor_version or 'of the record'} generated differently "
            "counts as your edits"
        )
    return hash_files(store, root, files_under(root))


def _project_files(repository: Repository, project: Path) -> list[str]:
    """The project's files as git sees them: tracked or untracked, minus what .gitignore hides."""
    output = Git(project).run("ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout
    found = set()
    for raw in output.split(b"\0"):
        if not raw or raw.endswith(b"/"):  # a nested repository
            continue
        relative = raw.decode("utf-8", "surrogateescape")
        path = project / relative
        if relative.split("/")[0] != ".git" and os.path.lexists(path) and not (path.is_dir() and not path.is_symlink()):
            found.add(relative)
    if RECORD_PATH.as_posix() not in found:
        raise InputError(
            f"DIR: git does not see {RECORD_PATH.as_posix()} in {project} (a .gitignore hides it?); advisor update "
            "merges the files git sees"
        )
    return sorted(found)


def _moved(tree: Tree, moves: Mapping[str, str]) -> dict[str, Entry]:
    moved = dict(tree)
    for source, target in moves.items():
        if source in moved and target not in moved:
            moved[target] = moved.pop(source)
    return moved


def _renames(store: Git, before: Tree, after: Tree) -> dict[str, str]:
    """Files git sees as renamed from `before` to `after` (old path -> new path)."""
    if not before or not after:
        return {}
    output = store.run(
        "diff-tree", "-r", "-z", "-M", "--name-status", write_tree(store, before), write_tree(store, after),
    ).stdout.decode("utf-8", "surrogateescape").split("\0")
    renames: dict[str, str] = {}
    position = 0
    while position < len(output) - 1:
        status = output[position]
        if status.startswith(("R", "C")):
            if status.startswith("R"):
                renames[output[position + 1]] = output[position + 2]
            position += 3
        else:
            position += 2
    return renames


def _honour_deletions(store: Git, base: Tree, ours: Tree, theirs: Tree) -> dict[str, Entry]:
    """Theirs without the files you deleted (and without where the template moved them), so a deletion
    stands even when the new render changes the file. A file you renamed is not a deletion."""
    deleted = set(base) - set(ours) - set(_renames(store, base, ours))
    if not deleted:
        return dict(theirs)
    moved_by_template = _renames(store, base, theirs)
    dropped = deleted | {moved_by_template[path] for path in deleted if path in moved_by_template}
    return {path: entry for path, entry in theirs.items() if path not in dropped}


@dataclass(frozen=True)
class Merged:
    folder: Path  # the scratch work tree: merged files, conflicted ones with git's markers
    files: dict[str, Entry]  # stage 0: the merged tree's files
    conflicts: dict[str, dict[int, Entry]]  # path -> stage (1 base, 2 yours, 3 theirs) -> entry
    kinds: dict[str, str] = field(default_factory=dict)  # path -> git status code (UU, DU, ...)


def _merge(
    folder: Path, store: Git, object_format: str, base: Tree, ours: Tree, theirs: Tree,
    manifest: UpdateManifest, package: str, style: str | None = None,
) -> Merged:
    """git merges `theirs` into `ours` from `base` in a scratch repository using the project's objects."""
    folder.mkdir()
    git = Git(folder, {**store.env, **scratch_config(style)})
    git.run("init", "-q", f"--object-format={object_format}")
    base_commit = commit_tree(git, write_tree(git, base), [], "the last render")
    ours_commit = commit_tree(git, write_tree(git, ours), [base_commit], "your files")
    theirs_commit = commit_tree(git, write_tree(git, theirs), [base_commit], "the new render")
    git.run("update-ref", f"refs/heads/{YOURS_BRANCH}", ours_commit)
    git.run("update-ref", f"refs/heads/{THEIRS_BRANCH}", theirs_commit)
    git.run("symbolic-ref", "HEAD", f"refs/heads/{YOURS_BRANCH}")
    git.run("read-tree", "-u", "--reset", YOURS_BRANCH)
    result = git.run("merge", "--no-ff", "--no-commit", "--no-edit", "-q", THEIRS_BRANCH, check=False)
    if result.returncode not in (0, 1) or (result.returncode == 1 and not _unmerged(git)):
        raise GitError(f"git merge failed: {(result.stderr or result.stdout).decode('utf-8', 'replace').strip()[:300]}")
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
    return Merged(folder, files, conflicts, kinds)


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


def _changes(base: Tree, ours: Tree, merged: Merged) -> tuple[FileChange, ...]:
    """What the update does to your files."""
    changes = []
    for path in sorted(set(ours) | set(merged.files) | set(merged.conflicts)):
        if path in merged.conflicts:
            code = merged.kinds.get(path, "UU")
            changes.append(FileChange(path, "conflict", CONFLICT_KINDS.get(code, "conflict"), code))
        elif path not in ours:
            changes.append(FileChange(path, "added"))
        elif path not in merged.files:
            changes.append(FileChange(path, "deleted"))
        elif ours[path] != merged.files[path]:
            edited = path in base and base[path] != ours[path]
            changes.append(FileChange(path, "modified", "merged with your edits" if edited else ""))
    return tuple(changes)


def _refuse_clobbering(project: Path, changes: tuple[FileChange, ...]) -> None:
    """A file the update adds where git ignores one of yours (or where a folder of yours is): refuse."""
    blocked = []
    for change in changes:
        if change.kind == "deleted":
            continue
        folders = [parent for parent in Path(change.path).parents if parent != Path(".")]
        in_the_way = [folder for folder in folders if (project / folder).is_symlink() or (
            os.path.lexists(project / folder) and not (project / folder).is_dir()
        )]
        if in_the_way or (change.kind == "added" and os.path.lexists(project / change.path)):
            blocked.append(change.path)
    if blocked:
        raise InputError(
            f"DIR: the update would write over {len(blocked)} file(s) git does not track here ({_listed(blocked)}); "
            "move them away first"
        )


def _last_answers(store: Git, commit: str | None, record: ProjectRecord) -> Mapping[str, str]:
    """The answers of the last render (your record may have been edited by hand since)."""
    if commit is None:
        return record.answers
    from advisor.decide.yamlfile import YamlProblem, parse_user_text
    from advisor.project.record import parse_record

    shown = store.run("show", f"{commit}:{RECORD_PATH.as_posix()}", check=False)
    try:
        text = shown.stdout.decode("utf-8")
        return parse_record(parse_user_text(text, RECORD_PATH.as_posix()), "the last render").answers
    except (UnicodeDecodeError, YamlProblem, InputError):  # a damaged old record only costs the summary
        return record.answers


def _answer_changes(before: Mapping[str, str], plan: GenerationPlan) -> tuple[AnswerChange, ...]:
    after = plan.recommendation.facts.answers
    return tuple(
        AnswerChange(key, before.get(key), after.get(key))
        for key in dict.fromkeys([*before, *after])
        if before.get(key) != after.get(key)
    )


def _update_message(answer_changes: tuple[AnswerChange, ...], plan: GenerationPlan) -> str:
    changed = ", ".join(f"{change.question}={change.after or '(not asked)'}" for change in answer_changes)
    summary = f"advisor update to advisor {__version__}" + (f": {changed}" if changed else "")
    return commit_message(summary, f"The render advisor merged into {plan.settings.name}.")


def _diff(project: Path, merged_folder: Path, changes: tuple[FileChange, ...]) -> str:
    """A unified diff from your files to the result, as `git diff` would show it after the update."""
    parts: list[str] = []
    size = 0
    for change in changes:
        before = _read(project / change.path) if change.kind != "added" else b""
        after = _read(merged_folder / change.path) if change.kind != "deleted" else b""
        old = "/dev/null" if change.kind == "added" else f"a/{change.path}"
        new = "/dev/null" if change.kind == "deleted" else f"b/{change.path}"
        if b"\0" in before or b"\0" in after:
            text = f"Binary files {old} and {new} differ\n"
        else:
            lines = difflib.unified_diff(
                before.decode("utf-8", "replace").splitlines(keepends=True),
                after.decode("utf-8", "replace").splitlines(keepends=True), old, new,
            )
            text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
        if not text:  # a mode change only
            text = f"--- {old}\n+++ {new}\n(file mode changed)\n"
        if size + len(text) > DIFF_LIMIT:
            parts.append(f"... the diff goes on ({len(changes)} files in all); run without --dry-run and `git diff`\n")
            break
        parts.append(text)
        size += len(text)
    return "".join(parts)


def _read(path: Path) -> bytes:
    if path.is_symlink():
        return os.fsencode(os.readlink(path))
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""


def _apply(project: Path, merged: Merged, changes: tuple[FileChange, ...]) -> None:
    """Write the merge's result into the project: each file replaced whole (a link is replaced, never followed)."""
    for change in changes:
        target = project / change.path
        if change.kind == "deleted":
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
            _remove_empty_parents(project, target.parent)
            continue
        source = merged.folder / change.path
        if not os.path.lexists(source):  # a conflict whose result is no file (deleted on both sides)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.parent / f".{target.name}.advisor-update"
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        if source.is_symlink():
            os.symlink(os.readlink(source), temporary)
        else:
            shutil.copyfile(source, temporary)
            entry = merged.files.get(change.path)
            executable = entry.mode == "100755" if entry else bool(os.stat(source).st_mode & 0o100)
            os.chmod(temporary, 0o755 if executable else 0o644)
        os.replace(temporary, target)


def _remove_empty_parents(project: Path, folder: Path) -> None:
    while folder != project and project in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _stage_conflicts(repository: Repository, merged: Merged) -> None:
    """Give each conflicted file git's three stages in the project's index (base, yours, advisor's)."""
    if not merged.conflicts:
        return
    zero = "0" * (64 if repository.object_format == "sha256" else 40)
    lines = []
    for path, stages in sorted(merged.conflicts.items()):
        name = repository.project_path(path).encode("utf-8", "surrogateescape")
        lines.append(f"0 {zero}\t".encode() + name + b"\0")
        for stage, entry in sorted(stages.items()):
            lines.append(f"{entry.mode} {entry.oid} {stage}\t".encode() + name + b"\0")
    repository.git().run("update-index", "-z", "--index-info", input=b"".join(lines))


