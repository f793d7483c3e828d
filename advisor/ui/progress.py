"""Progress on work that takes more than a second: a spinner, or a live line of the smoke suite.

Shown only to a person: when stdout and stderr are both terminals (not a dumb one) and the command prints
text, not JSON. It is drawn on stderr and erased when the work ends, so what stays on the screen, and
anything piped or captured, is the report alone.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from advisor.text import printable
from advisor.ui.text import make_console

if TYPE_CHECKING:
    from advisor.project.smoke import SmokeProgress


def live_output(as_json: bool = False) -> bool:
    """Whether a live display may be drawn: a person is watching text output."""
    if as_json or os.environ.get("TERM") == "dumb":
        return False
    try:
        return sys.stdout.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


@contextlib.contextmanager
def spinner(message: str, as_json: bool = False) -> Iterator[None]:
    """A spinner with `message` on stderr while the block runs (nothing when nobody is watching)."""
    if not live_output(as_json):
        yield
        return

    with make_console(stderr=True).status(printable(message), spinner="dots"):
        yield


def progress_line(progress: SmokeProgress, width: int) -> str:
    """One line that fits `width`: counts first, then the running test (its start cut, not its name)."""
    total = f"/{progress.collected}" if progress.collected is not None else ""
    failed = f", {progress.failed} failed" if progress.failed else ""
    head = f"smoke: {progress.finished}{total} done{failed} · {progress.elapsed_s:.0f}s"
    if not progress.running:
        if progress.collected is None:
            return f"{head} · collecting tests"
        return f"{head} · finishing" if progress.finished >= progress.collected else head
    room = width - len(head) - 16  # the spinner, " · running ", a margin
    name = printable(progress.running)
    if room < 12:
        return head
    if len(name) > room:
        name = "…" + name[-(room - 1):]
    return f"{head} · running {name}"


@contextlib.contextmanager
def smoke_progress(as_json: bool = False) -> Iterator[Callable[[SmokeProgress], None] | None]:
    """A callback for `run_smoke(progress=...)` that keeps a live line up to date, or None."""
    if not live_output(as_json):
        yield None
        return
    from rich.text import Text

    console = make_console(stderr=True)
    with console.status("smoke: starting pytest", spinner="dots") as status:

        def update(progress: SmokeProgress) -> None:
            status.update(Text(progress_line(progress, console.width)))

        yield update
