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
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from advisor import __version__
from advisor.decide.answers import PROJECT_KEYS, collect
from advisor.decide.engine import Recommendation, recommend
from advisor.decide.rules import RuleSet
from advisor.errors import AdvisorError, InputError
from advisor.files import resolved
from advisor.interrupts import deferred
from advisor.project.apply import Write, apply_result, update_lock
from advisor.project.git import (
    SYMLINK,
    Entry,
    Git,
    Repository,
    Tree,
    c_quoted,
    commit_tree,
    files_under,
    find_repository,
    git_available,
    hash_files,
    read_tree,
    write_tree,
)
from advisor.project.merge import CONFLICT_KINDS, Merged, merge_trees, result_entry
from advisor.project.plan import GenerationPlan, plan_generation
from advisor.project.policies import load_manifest
from advisor.project.pristine import commit_message, find_base
from advisor.project.record import RECORD_PATH, REPLAY_DEFAULTED, ProjectRecord, read_record
from advisor.project.render import render_into, template_digest
from advisor.project.settings import project_settings
from advisor.text import shell_quote, shorten

ChangeKind = Literal["added", "modified", "deleted", "conflict"]
DIFF_LIMIT = 400_000  # characters of --dry-run diff; the rest is summarised


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
    interrupted: bool = False  # a signal came while the result was written; it was written whole

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
    status = _status(project)
    _refuse_unresolved(status)
    if not request.allow_dirty:
        _refuse_uncommitted(repository, project, status)
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
    lock = contextlib.nullcontext() if request.dry_run else update_lock(repository)
    with lock, tempfile.TemporaryDirectory(prefix="advisor-update-") as scratch_name:
        scratch = Path(scratch_name)
        objects = scratch / "objects"
        objects.mkdir()
        # Every object goes to a scratch store that borrows the project's; only an applied result's move in.
        store = Git(
            project,
            {"GIT_OBJECT_DIRECTORY": str(objects), "GIT_ALTERNATE_OBJECT_DIRECTORIES": c_quoted(repository.objects)},
        )
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
        on_disk = _your_files(store, project, set(base_tree) | set(theirs))
        moves = manifest.moves(record.advisor_version, __version__, plan.settings.package)
        base_tree, ours = _moved(base_tree, moves), _moved(on_disk, moves)
        answer_changes = _answer_changes(_last_answers(store, base.commit if base else None, record), plan)
        if dict(theirs) == dict(base_tree) and not moves:
            return UpdateResult(
                project, plan, record, answer_changes, (), request.dry_run, notes=tuple(notes),
                recommended_other=other, up_to_date=True,
            )
        style = Git(project).run("config", "--get", "merge.conflictStyle", check=False).stdout.decode().strip()
        merged = merge_trees(
            scratch / "merge", store, repository.object_format, base_tree, ours,
            _honour_deletions(store, base_tree, ours, theirs), manifest, plan.settings.package, style or None,
        )
        changes = _changes(base_tree, on_disk, merged)
        _refuse_clobbering(project, changes, on_disk)
        writes = [Write(change.path, result_entry(merged, change.path)) for change in changes]
        if request.dry_run:
            diff = _diff(merged.git, on_disk, writes)
            return UpdateResult(
                project, plan, record, answer_changes, changes, True, diff, tuple(notes), other,
            )
        tip = base.tip if base else None
        message = _update_message(answer_changes, plan)
        pristine = commit_tree(store, write_tree(store, theirs), [tip] if tip else [], message)
        failure: AdvisorError | None = None
        interrupted = False
        try:
            with deferred():  # a signal waits until the files, index and ref agree
                try:
                    apply_result(
                        repository, project, merged.git, objects, writes, merged.conflicts, pristine, tip,
                        scratch / "backup",
                    )
                except AdvisorError as error:  # undone; raised below, whether or not a signal came meanwhile
                    failure = error
        except KeyboardInterrupt:
            interrupted = True  # it came while the update was written: the update is complete
        if failure is not None:
            raise failure
    return UpdateResult(
        project, plan, record, answer_changes, changes, False, "", tuple(notes), other, interrupted=interrupted
    )


def _repository_of(project: Path) -> Repository:
    if not git_available():
        raise InputError("advisor update merges with git, which is not installed (not on PATH)")
    repository = find_repository(project)
    if repository is None:
        folder = shell_quote(str(project))
        raise InputError(
            f"DIR: {project} is not in a git repository; advisor update merges with git. Make it one with "
            f"`git -C {folder} init -q && git -C {folder} add -A && git -C {folder} commit -qm 'My project'`, "
            "then run the update again"
        )
    return repository


def _status(project: Path) -> list[tuple[str, str]]:
    """(two-letter code, path) for each changed, unmerged or untracked file in the project's folder."""
    output = Git(project).run(
        "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", "."
    ).stdout.decode("utf-8", "surrogateescape")
    entries = []
    for item in output.split("\0"):
        if len(item) > 3:
            entries.append((item[:2], item[3:]))
    return entries


def _refuse_unresolved(status: list[tuple[str, str]]) -> None:
    unmerged = [path for code, path in status if code in CONFLICT_KINDS]
    if unmerged:
        raise InputError(
            f"DIR: {len(unmerged)} file(s) still have conflicts ({_listed(unmerged)}); resolve them and "
            "`git add` them first"
        )


def uncommitted_changes(project: Path) -> list[str]:
    """The project's files with uncommitted changes (empty when it is not in git: the update will say so)."""
    folder = resolved(project, "DIR")
    return [] if find_repository(folder) is None else [path for _, path in _status(folder)]


def _refuse_uncommitted(repository: Repository, project: Path, status: list[tuple[str, str]]) -> None:
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
    """An answers file's project setting that is not the project's own (`auto` keeps the framework)."""
    text = str(value).strip()
    if key == "framework":
        return text.lower() not in ("auto", record.framework)
    return text != (record.name if key == "name" else record.description)


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


def _your_files(store: Git, project: Path, relevant: set[str]) -> dict[str, Entry]:
    """The project's files as git sees them, in repository form (your line-ending settings and filters
    applied, as `git add` would): committed ones from the index unless changed on disk, changed ones hashed
    into the scratch store. Untracked files take part only where advisor has a file of the same name."""
    git = Git(project, store.env)
    entries: dict[str, Entry] = {}
    for record in git.run("ls-files", "-s", "-z").stdout.split(b"\0"):
        meta, _, raw = record.partition(b"\t")
        if not raw:
            continue
        mode, oid, stage = meta.decode().split()
        if stage == "0" and mode != "160000":  # not a submodule
            entries[raw.decode("utf-8", "surrogateescape")] = Entry(mode, oid)
    changed = set(_z_list(git, "diff-files", "-z", "--name-only", "--relative"))
    untracked = [path for path in _z_list(git, "ls-files", "-z", "--others", "--exclude-standard") if path in relevant]
    to_hash = []
    for path in [*entries, *untracked]:
        file = project / path
        if not os.path.lexists(file) or (file.is_dir() and not file.is_symlink()):
            entries.pop(path, None)  # deleted on disk
        elif not file.is_symlink() and not file.is_file():  # a FIFO or a device: reading it could hang
            raise InputError(f"DIR: {shorten(path, 200)} is not a regular file; move it away or commit a file there")
        elif path in changed or path not in entries or _kind_changed(file, entries[path]):
            to_hash.append(path)
    entries.update(hash_files(git, project, to_hash, filters=True))
    if RECORD_PATH.as_posix() not in entries:
        raise InputError(
            f"DIR: git does not see {RECORD_PATH.as_posix()} in {project} (a .gitignore hides it?); advisor update "
            "merges the files git sees"
        )
    return entries


def _z_list(git: Git, *args: str) -> list[str]:
    output = git.run(*args).stdout.decode("utf-8", "surrogateescape")
    return [path for path in output.split("\0") if path and not path.endswith("/")]


def _kind_changed(file: Path, entry: Entry) -> bool:
    """A file became a link or the reverse, or its executable bit changed: git's stat check may miss it."""
    return (entry.mode == SYMLINK) != file.is_symlink() or (
        not file.is_symlink() and (entry.mode == "100755") != bool(os.stat(file).st_mode & 0o100)
    )


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


def _refuse_clobbering(project: Path, changes: tuple[FileChange, ...], yours: Tree) -> None:
    """A file the update adds where git ignores one of yours (or where a folder of yours is): refuse."""
    leaving = {change.path for change in changes if change.kind == "deleted"}
    blocked = []
    for change in changes:
        if change.kind == "deleted":
            continue
        folders = [parent.as_posix() for parent in Path(change.path).parents if parent != Path(".")]
        in_the_way = [
            folder for folder in folders
            if folder not in leaving and ((project / folder).is_symlink() or (
                os.path.lexists(project / folder) and not (project / folder).is_dir()
            ))
        ]
        ignored = change.kind == "added" and change.path not in yours and os.path.lexists(project / change.path)
        if in_the_way or ignored:
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


def _diff(scratch: Git, yours: Tree, writes: list[Write]) -> str:
    """git's diff from your files to the result, in repository form (as `git diff` shows it after)."""
    result = dict(yours)
    for write in writes:
        if write.entry is None:
            result.pop(write.path, None)
        else:
            result[write.path] = write.entry
    before, after = write_tree(scratch, yours), write_tree(scratch, result)
    output = scratch.run("diff", "--no-color", "--no-renames", "--no-ext-diff", "--no-textconv", before, after).stdout
    text = output.decode("utf-8", "replace")
    if len(text) > DIFF_LIMIT:
        cut = text.rfind("\ndiff --git ", 0, DIFF_LIMIT) + 1 or DIFF_LIMIT
        text = text[:cut] + f"... the diff goes on ({len(writes)} files in all); run without --dry-run and `git diff`\n"
    return text
