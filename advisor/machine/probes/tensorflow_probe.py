"""What TensorFlow sees, asked in the interpreter doctor checks. advisor runs this file; it never imports it.

Prints one line, "ADVISOR-PROBE " + JSON; a failure is an "error" key in that JSON, never a traceback.
"""

from __future__ import annotations

import importlib
import json
import os
from typing import Any

MARK = "ADVISOR-PROBE "  # advisor.machine.frameworks.PROBE_MARK


def probe() -> dict[str, Any]:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's C++ logging would bury the result
    result: dict[str, Any] = {}
    try:
        tf = importlib.import_module("tensorflow")  # by name, so type-checking advisor never loads TensorFlow
        info = dict(tf.sysconfig.get_build_info())
        result["version"] = tf.__version__
        result["cuda_build"] = bool(info.get("is_cuda_build"))
        result["rocm_build"] = bool(info.get("is_rocm_build"))
        result["cuda"] = info.get("cuda_version")
        result["devices"] = [device.name for device in tf.config.list_physical_devices("GPU")]
    except Exception as error:  # a broken install is a finding, not a crash
        result["error"] = (type(error).__name__ + ": " + str(error))[:300]
    return result


if __name__ == "__main__":
    print(MARK + json.dumps(probe()))
