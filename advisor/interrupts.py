"""Interrupts: SIGINT, SIGTERM and SIGHUP all arrive as KeyboardInterrupt, so one cleanup path serves them.

`install` is the first thing the CLI does (this module imports only `signal`, so it is installed within
milliseconds of start-up). `deferred` holds interrupts back while work must finish together (loading the
commands, placing a project, removing a staging folder): the interrupt is raised when the block ends, so a
signal never leaves half a move, half a cleanup or half-imported modules behind. `ignore_from_now` is for
the way out: once the work is done, a late signal must not turn a finished run into a killed one.
"""

from __future__ import annotations

import signal
from types import TracebackType

HANDLED = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
_state = {"depth": 0, "pending": 0}


def _interrupt(signum: int, frame: object) -> None:
    if _state["depth"]:
        _state["pending"] = signum
        return
    raise KeyboardInterrupt(signal.Signals(signum).name)


def install() -> None:
    """Route SIGINT, SIGTERM and SIGHUP to KeyboardInterrupt (main thread only; a no-op elsewhere)."""
    for signum in HANDLED:
        try:
            # A signal ignored by whoever started us (nohup's SIGHUP) stays ignored.
            if signal.getsignal(signum) is not signal.SIG_IGN:
                signal.signal(signum, _interrupt)
        except ValueError:  # not the main thread
            return


def ignore_from_now() -> None:
    """The run is over: block the handled signals, so one arriving while Python shuts down is dropped."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, HANDLED)


class deferred:  # lower case: used as `with deferred():`, like a function
    """Run the block to its end even if a signal comes; raise KeyboardInterrupt after it, if one came."""

    def __enter__(self) -> None:
        _state["depth"] += 1

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        _state["depth"] -= 1
        if not _state["depth"] and _state["pending"]:
            signum, _state["pending"] = _state["pending"], 0
            raise KeyboardInterrupt(signal.Signals(signum).name)
