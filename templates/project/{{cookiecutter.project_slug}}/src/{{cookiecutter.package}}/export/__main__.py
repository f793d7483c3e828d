"""`python -m <package>.export`: see export/__init__.py."""

from .. import cli
from . import main

raise SystemExit(cli.run(main))
