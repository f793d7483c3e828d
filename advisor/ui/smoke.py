"""A smoke report for people: the tests that did not pass, with their reasons, then one verdict line.

Test names, messages, paths and pytest's output come from the project: all printed as plain text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from advisor.project.smoke import SmokeReport
from advisor.ui.text import make_console, plain, printable

if TYPE_CHECKING:
    from rich.console import Console


def print_smoke(report: SmokeReport) -> None:
    from rich.table import Table
    from rich.text import Text

    console = make_console()
    data = report.to_dict()
    notable = [t for t in report.tests if t.outcome != "passed"]
    if notable:
        table = Table(show_lines=False)
        for column in ("test", "outcome", "reason"):
            table.add_column(column, overflow="fold")
        for test in notable:
            style = "yellow" if test.outcome == "skipped" else "red"
            table.add_row(Text(printable(test.name)), Text(test.outcome, style=style), Text(printable(test.message)))
        console.print(table)
    if report.timed_out:
        _print_output_tail(console, report)
        running = (
            f"while running {plain(report.running)}" if report.running
            else "before any test started" if not report.finished else "between tests"
        )
        console.print(
            f"[red]smoke TIMED OUT[/red] after {report.timeout_s or 0:g}s {running}; "
            f"{report.finished} finished, the test processes were stopped",
            highlight=False,
        )
        _print_where(console, report)
        return
    verdict = "[green]smoke OK[/green]" if report.ok else "[red]smoke FAILED[/red]"
    console.print(
        f"{verdict}: {data['passed']} passed, {data['failed']} failed, {data['skipped']} skipped "
        f"in {data['duration_s']:.1f}s",
        highlight=False,
    )
    _print_where(console, report)
    if not report.tests:
        _print_output_tail(console, report)


def _print_where(console: Console, report: SmokeReport) -> None:
    """The project and interpreter, each whole on its own line (a path is never broken by advisor)."""
    console.print(f"  project: {printable(report.project)}", markup=False, highlight=False, soft_wrap=True)
    console.print(f"  python:  {printable(report.python)}", markup=False, highlight=False, soft_wrap=True)


def _print_output_tail(console: Console, report: SmokeReport) -> None:
    """The last lines pytest (or the interpreter) printed: plain text, never markup."""
    lines = report.output[-2000:].rstrip().splitlines()[-20:]
    if lines:
        console.print(printable("\n".join(lines), keep_newlines=True), markup=False, highlight=False)
