"""What `advisor update` prints: the answers that changed, each file the merge touched, and what to do next.

A conflicted update never reads as a success: it names every conflicted file and how to resolve it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from advisor.project.record import RECORD_PATH
from advisor.project.update import FileChange, UpdateResult
from advisor.text import shell_join, shell_quote
from advisor.ui.layout import print_command, print_hanging
from advisor.ui.text import make_console, printable

if TYPE_CHECKING:
    from rich.console import Console

CODES = {"added": "A ", "modified": "M ", "deleted": "D "}  # as `git status --short` marks them


def change_line(change: FileChange) -> str:
    code = change.code if change.kind == "conflict" else CODES[change.kind]
    detail = f"  ({change.detail})" if change.detail else ""
    return f"  {code} {printable(change.path)}{detail}"


def framework_note(result: UpdateResult) -> tuple[str, str | None] | None:
    """What to say when the new answers favour the other framework, and the command that starts it."""
    other = result.recommended_other
    if other is None:
        return None
    rec = result.recommendation
    kept = rec.label(result.plan.framework)
    if other == "none":
        return f"these answers rule out every framework (see advisor recommend); the project stays {kept}", None
    command = ["advisor", "new", "NEW_DIR", "--answers", str(result.path / RECORD_PATH)]
    for change in result.answer_changes:
        if change.after is not None:
            command += ["-a", f"{change.question}={change.after}"]
    command += ["--framework", other, "--no-input"]
    excluded = result.plan.framework in rec.evaluation.excluded
    reason = f"rule out {kept}" if excluded else f"now recommend {rec.label(other)}"
    text = (
        f"these answers {reason}; an update never switches frameworks, so the project stays {kept}. "
        f"For a {rec.label(other)} project from the same answers:"
    )
    return text, shell_join(command)


def print_update(result: UpdateResult, show_diff: bool = True) -> None:

    console = make_console()
    folder = shell_quote(str(result.path))
    where = str(result.path)
    conflicts = len(result.conflicts)
    if result.up_to_date:
        headline = f"{where} already has what advisor would generate for these answers; nothing written"
        print_hanging(console, headline, "Up to date: ", first_style="green")
    elif result.dry_run:
        state = f"would conflict in {conflicts} file(s)" if conflicts else "would merge cleanly"
        print_hanging(console, f"updating {where} {state}", "Dry run (nothing written): ", first_style="bold")
    elif conflicts:
        print_hanging(
            console,
            f"in {conflicts} file(s): the update of {where} is merged except these, which need your decision "
            "(a text file holds git's <<<<<<< / ======= / >>>>>>> markers, yours above, advisor's below; "
            "a binary file keeps yours; a file git had to move aside is kept under NAME~yours or "
            "NAME~advisor-update)",
            "CONFLICTS ", first_style="red",
        )
    else:
        print_hanging(console, f"{where}: merged cleanly, left uncommitted for review", "Updated ", first_style="green")
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
        marked = [change.path for change in result.conflicts if change.code in ("UU", "AA")]
        if marked:
            hint = "# edit each file with markers (or run git mergetool), then mark it resolved:"
            print_command(console, hint, style="dim")
            print_command(console, f"git -C {folder} add -- {' '.join(shell_quote(path) for path in marked)}")
        print_command(console, "# what is left to decide (git add or git rm each):", style="dim")
        print_command(console, f"git -C {folder} status")
    else:
        print_command(console, f"git -C {folder} diff")
        print_command(console, f"advisor smoke {folder}")
        print_command(console, f"git -C {folder} add -A . && git -C {folder} commit -m 'advisor update'")


def _print_details(console: Console, result: UpdateResult) -> None:
    label = result.recommendation.label(result.plan.framework)
    if result.answer_changes:
        changed = ", ".join(
            f"{c.question} {c.before or '(not asked)'} -> {c.after or '(not asked)'}" for c in result.answer_changes
        )
        print_hanging(console, changed, "  answers:   ")
    print_hanging(console, f"{label} (kept)", "  framework: ")
    note = framework_note(result)
    if note:
        text, command = note
        print_hanging(console, text, "  note:      ", first_style="yellow")
        if command:
            print_command(console, command, indent="    ")
    for extra in result.notes:
        print_hanging(console, extra, "  note:      ", first_style="yellow")
    for change in result.changes:
        style = "red" if change.kind == "conflict" else None
        console.print(change_line(change), markup=False, style=style, soft_wrap=True)
