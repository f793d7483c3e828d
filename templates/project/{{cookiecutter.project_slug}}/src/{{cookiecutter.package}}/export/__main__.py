"""`python -m <package>.export`: see export/__init__.py."""

from . import main

raise SystemExit(main())
