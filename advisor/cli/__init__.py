"""The command line: a thin typer layer over the library; `main` is the one error boundary.

Nothing heavy is imported at module level: `main` first routes SIGINT/SIGTERM/SIGHUP to KeyboardInterrupt,
so even an interrupt while typer and the commands load ends in one line and exit 130, not a traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

__all__ = ["app", "main"]

# Importing a command module registers its commands; this order is the order `advisor --help` lists them.
COMMAND_MODULES = ("decide", "project", "machine")
INTERRUPTED = 130


def load_app() -> Any:
    """The typer application with every command registered."""
    import importlib

    from advisor.cli.app import app

    for module in COMMAND_MODULES:
        importlib.import_module(f"advisor.cli.{module}")
    return app


def __getattr__(name: str) -> Any:
    if name == "app":
        return load_app()
    raise AttributeError(name)


def main() -> None:
    """Entry point: every failure becomes one line on stderr and an exit code (2 input, 1 failure, 130 interrupt)."""
    from advisor import interrupts

    interrupts.install()
    try:
        code = _run()
    except KeyboardInterrupt:  # arrived between the last report and the line below
        code = INTERRUPTED
    interrupts.ignore_from_now()  # a signal while Python shuts down must not kill a finished run
    sys.exit(code)


def _run() -> int:
    """Run the command line; the exit code, with every failure reported in one line."""
    from advisor import interrupts

    try:
        with interrupts.deferred():  # an interrupt while modules load waits until they have loaded
            _tolerant_streams()
            from typer._click.exceptions import ClickException  # typer vendors click
            from typer.exceptions import Abort

            from advisor.errors import AdvisorError, RulesError

            app = load_app()
            if "_ADVISOR_COMPLETE" in os.environ:  # the shell asks for completions
                from advisor.cli.completion import enable

                enable()
        try:
            # Not standalone: click would turn an interrupt into a silent exit and EOF into "Aborted!".
            result = app(standalone_mode=False, prog_name="advisor")
        except ClickException as error:  # usage errors: click's own message, exit 2
            _show_usage_error(error)
            return int(error.exit_code)
        except Abort:  # end of input at a prompt (Ctrl-D)
            _say("aborted: end of input")
            return INTERRUPTED
        except AdvisorError as error:
            for line in error.problems if isinstance(error, RulesError) else [f"error: {error}"]:
                _say(line)
            return error.exit_code
        if result == INTERRUPTED:  # typer turns KeyboardInterrupt into Exit(130)
            raise KeyboardInterrupt
        return result if isinstance(result, int) else 0
    except KeyboardInterrupt:
        _say("interrupted")
        return INTERRUPTED
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BrokenPipeError:
        # The reader went away (`advisor recommend | head`): nothing more to say, and nobody to say it to.
        _silence_stdout()
        return 1
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        _say(f"error: {error.strerror or error}{where}")
        return 1
    except Exception as error:  # the last resort, RecursionError and MemoryError included: never a traceback
        if isinstance(error.__cause__ or error.__context__, KeyboardInterrupt):  # wrapped by Python internals
            _say("interrupted")
            return INTERRUPTED
        if os.environ.get("ADVISOR_DEBUG"):
            raise
        from advisor.text import shorten

        detail = f"{type(error).__name__}: {shorten(str(error), 200)}"
        _say(f"error: internal error: {detail} (set ADVISOR_DEBUG=1 for details)")
        return 1


def _show_usage_error(error: Any) -> None:
    try:
        from typer.rich_utils import rich_format_error

        rich_format_error(error)
    except ImportError:
        error.show()


def _say(line: str) -> None:
    from advisor.text import printable

    with contextlib.suppress(OSError, ValueError):
        print(printable(line), file=sys.stderr)  # a path's escape sequences are shown, not obeyed


def _tolerant_streams() -> None:
    """Characters the terminal's encoding lacks print as '?' instead of crashing the output."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(OSError, ValueError):
                reconfigure(errors="replace")


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
