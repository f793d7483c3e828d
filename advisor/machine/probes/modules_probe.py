"""The installed version of each distribution named in argv, and whether its top-level module can be found,
in the interpreter doctor checks. Nothing is imported: versions come from metadata, modules from
importlib.util.find_spec on top-level names (which locates a module without running it). advisor runs this
file in another interpreter, and imports facts() for its own (advisor.machine.export_check.distribution_facts).

Prints one line, "ADVISOR-PROBE " + a JSON object {distribution: {"version": str, "importable": bool}} of
those installed.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import re
import sys
from importlib import metadata

MARK = "ADVISOR-PROBE "  # advisor.machine.frameworks.PROBE_MARK


def _found(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _modules(distribution: metadata.Distribution) -> list[str]:
    names = (distribution.read_text("top_level.txt") or "").split()
    for file in distribution.files or ():
        first = file.parts[0]
        if len(file.parts) > 1 and not first.endswith((".dist-info", ".data")) and first not in ("..", "bin"):
            names.append(first)
        elif len(file.parts) == 1 and file.suffix in (".py", ".so", ".pyd"):
            names.append(first.split(".")[0])
    return [name for name in dict.fromkeys(names) if name.isidentifier()]


def facts(names: list[str]) -> dict[str, dict[str, object]]:
    found: dict[str, dict[str, object]] = {}
    for name in names:
        with contextlib.suppress(Exception):  # not installed, or broken metadata
            distribution = metadata.distribution(name)
            guess = re.sub(r"[-_.]+", "_", name).lower()
            importable = _found(guess) or any(_found(module) for module in _modules(distribution))
            found[name] = {"version": distribution.version, "importable": importable}
    return found


if __name__ == "__main__":
    print(MARK + json.dumps(facts(sys.argv[1:])))
