"""The command line: a thin typer layer over the library; `main` maps domain errors to exit codes."""

from __future__ import annotations

import importlib
import sys

from advisor.cli.app import app
from advisor.errors import AdvisorError, RulesError

# Importing a command module registers its commands; this order is the order `advisor --help` lists them.
for _module in ("decide", "project", "machine"):
    importlib.import_module(f"advisor.cli.{_module}")

__all__ = ["app", "main"]


def main() -> None:
    """Entry point: every domain error becomes a one-line message and its exit code, never a traceback."""
    try:
        app()  # standalone: click reports its own usage errors with exit 2
    except AdvisorError as error:
        if isinstance(error, RulesError):
            for problem in error.problems:
                print(problem, file=sys.stderr)
        else:
            print(f"error: {error}", file=sys.stderr)
        sys.exit(error.exit_code)
