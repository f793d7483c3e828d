"""What torch sees, asked in the interpreter doctor checks. advisor runs this file; it never imports it.

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
        torch = importlib.import_module("torch")  # by name, so type-checking advisor never loads torch
        result["version"] = torch.__version__
        result["cuda"] = torch.version.cuda
        result["hip"] = getattr(torch.version, "hip", None)
        result["cuda_available"] = bool(torch.cuda.is_available())
        count = torch.cuda.device_count() if result["cuda_available"] else 0
        result["devices"] = [torch.cuda.get_device_name(i) for i in range(count)]
        result["archs"] = list(torch.cuda.get_arch_list()) if result["cuda"] else []
        mps = getattr(torch.backends, "mps", None)
        result["mps_built"] = bool(mps and mps.is_built())
        result["mps"] = bool(mps and mps.is_available())
        xpu = getattr(torch, "xpu", None)
        result["xpu"] = bool(xpu is not None and xpu.is_available())
        if xpu is not None and result["xpu"]:
            result["devices"] += [xpu.get_device_name(i) for i in range(xpu.device_count())]
    except Exception as error:  # a broken install is a finding, not a crash
        result["error"] = (type(error).__name__ + ": " + str(error))[:300]
    return result


if __name__ == "__main__":
    print(MARK + json.dumps(probe()))
