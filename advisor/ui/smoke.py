"""A smoke report for people: the tests that did not pass, with their reasons, then one verdict line."""

from __future__ import annotations

from advisor.project.smoke import SmokeReport


def print_smoke(report: SmokeReport) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    data = report.to_dict()
    notable = [t for t in report.tests if t.outcome != "passed"]
    if notable:
        table = Table(show_lines=False)
        for column in ("test", "outcome", "reason"):
            table.add_column(column, overflow="fold")
        for test in notable:
            style = "yellow" if test.outcome == "skipped" else "red"
            table.add_row(test.name, f"[{style}]{test.outcome}[/{style}]", test.message)
        console.print(table)
    verdict = "[green]smoke OK[/green]" if report.ok else "[red]smoke FAILED[/red]"
    console.print(
        f"{verdict}: {data['passed']} passed, {data['failed']} failed, {data['skipped']} skipped "
        f"in {data['duration_s']:.1f}s ({report.project}, {report.python})"
    )
    if not report.tests:
        console.print(report.output[-2000:], markup=False)
