"""What JAX sees, asked in the interpreter doctor checks. advisor runs this file; it never imports it.

Prints one line, "ADVISOR-PROBE " + JSON; a failure is an "error" key in that JSON, never a traceback.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

MARK = "ADVISOR-PROBE "  # advisor.machine.frameworks.PROBE_MARK


def probe() -> dict[str, Any]:
    result: dict[str, Any] = {}
    try:
        jax = importlib.import_module("jax")  # by name, so type-checking advisor never loads JAX
        result["version"] = jax.__version__
        devices = jax.devices()
        result["platforms"] = sorted({device.platform for device in devices})
        result["devices"] = [str(device) for device in devices if device.platform != "cpu"]
    except Exception as error:  # a broken install is a finding, not a crash
        result["error"] = (type(error).__name__ + ": " + str(error))[:300]
    return result


if __name__ == "__main__":
    print(MARK + json.dumps(probe()))
