"""What `advisor update` prints: the answers that changed, each file the merge touched, and what to do next.

A conflicted update never reads as a success: it names every conflicted file and how to resolve it.
"""

from __future__ import annotations

import shlex

from advisor.project.record import RECORD_PATH
from advisor.project.update import FileChange, UpdateResult
from advisor.ui.text import plain, printable

CODES = {"added": "A ", "modified": "M ", "deleted": "D "}  # as `git status --short` marks them


def change_line(change: FileChange) -> str:
    code = change.code if change.kind == "conflict" else CODES[change.kind]
    detail = f"  ({change.detail})" if change.detail else ""
    return f"  {code} {printable(change.path)}{detail}"


def framework_note(result: UpdateResult) -> str | None:
    other = result.recommended_other
    if other is None:
        return None
    rec = result.recommendation
    kept = rec.label(result.plan.framework)
    if other == "none":
        return f"these answers rule out every framework (see `advisor recommend`); the project stays {kept}"
    record = result.path / RECORD_PATH
    command = ["advisor", "new", "NEW_DIR", "--answers", str(record)]
    for change in result.answer_changes:
        if change.after is not None:
            command += ["-a", f"{change.question}={change.after}"]
    command += ["--framework", other, "--no-input"]
    excluded = result.plan.framework in rec.evaluation.excluded
    reason = f"rule out {kept}" if excluded else f"now recommend {rec.label(other)}"
    return (
        f"these answers {reason}; an update never switches frameworks, so the project stays {kept}. "
        f"For a {rec.label(other)} project from the same answers: {shlex.join(command)}"
    )


def print_update(result: UpdateResult, show_diff: bool = True) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    folder = shlex.quote(str(result.path))
    where = plain(str(result.path))
    if result.up_to_date:
        console.print(
            f"[green]Up to date[/green]: {where} already has what advisor would generate for these answers; "
            "nothing written"
        )
    elif result.dry_run:
        conflicts = len(result.conflicts)
        state = f"[red]would conflict in {conflicts} file(s)[/red]" if conflicts else "would merge cleanly"
        console.print(f"[bold]Dry run[/bold] (nothing written): updating {where} {state}")
    elif result.conflicts:
        console.print(
            f"[red]CONFLICTS[/red] in {len(result.conflicts)} file(s): the update of {where} is merged except "
            "these, which hold git's <<<<<<< / ======= / >>>>>>> markers (yours above, advisor's below)"
        )
    else:
        console.print(f"[green]Updated[/green] {where}: merged cleanly, left uncommitted for review")
    _print_details(console, result)
    if result.dry_run:
        if result.diff and show_diff:
            console.print("")
            console.print(printable(result.diff, keep_newlines=True), markup=False, soft_wrap=True, end="")
        return
    if result.up_to_date:
        return
    console.print("\nNext:")
    if result.conflicts:
        console.print("  # edit each conflicted file (or run git mergetool), then mark it resolved:", style="dim")
        paths = [shlex.quote(change.path) for change in result.conflicts]
        console.print(f"  git -C {printable(folder)} add -- {printable(' '.join(paths))}", markup=False, soft_wrap=True)
        console.print(f"  git -C {printable(folder)} status", markup=False, soft_wrap=True)
    else:
        console.print(f"  git -C {printable(folder)} diff", markup=False, soft_wrap=True)
        console.print(f"  advisor smoke {printable(folder)}", markup=False, soft_wrap=True)
        console.print(
            f"  git -C {printable(folder)} add -A . && git -C {printable(folder)} commit -m 'advisor update'",
            markup=False, soft_wrap=True,
        )


def _print_details(console: object, result: UpdateResult) -> None:
    from rich.console import Console

    assert isinstance(console, Console)
    label = result.recommendation.label(result.plan.framework)
    if result.answer_changes:
        changed = ", ".join(
            f"{c.question} {c.before or '(not asked)'} -> {c.after or '(not asked)'}" for c in result.answer_changes
        )
        console.print(f"  answers:   {plain(changed)}")
    console.print(f"  framework: {plain(label)} (kept)")
    note = framework_note(result)
    if note:
        console.print(f"  [yellow]note:[/yellow] {plain(note)}", soft_wrap=True)
    for extra in result.notes:
        console.print(f"  [yellow]note:[/yellow] {plain(extra)}")
    for change in result.changes:
        style = "red" if change.kind == "conflict" else None
        console.print(change_line(change), markup=False, style=style, soft_wrap=True)
