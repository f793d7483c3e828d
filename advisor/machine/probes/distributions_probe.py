"""The installed versions of the distributions named in argv, read from metadata in the interpreter doctor
checks (nothing is imported). advisor runs this file; it never imports it.

Prints one line, "ADVISOR-PROBE " + a JSON object {distribution: version} of those installed.
"""

from __future__ import annotations

import contextlib
import json
import sys
from importlib import metadata

MARK = "ADVISOR-PROBE "  # advisor.machine.frameworks.PROBE_MARK


def versions(names: list[str]) -> dict[str, str]:
    found = {}
    for name in names:
        with contextlib.suppress(Exception):  # not installed, or broken metadata
            found[name] = metadata.version(name)
    return found


if __name__ == "__main__":
    print(MARK + json.dumps(versions(sys.argv[1:])))
