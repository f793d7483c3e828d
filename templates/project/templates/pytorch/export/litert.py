"""LiteRT (.tflite, float32) of a PyTorch model, converted by litert-torch: the model LiteRT runs on Android,
iOS, Linux and in the browser (LiteRT.js). The parity check runs it with ai-edge-litert's interpreter.

The format module API: see export/__init__.py.
"""
{% raw %}
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

REQUIRES: tuple[str, ...] = ("litert_torch", "ai_edge_litert")


def export(model: nn.Module, example: torch.Tensor, path: Path, calibration: np.ndarray) -> None:
    """Write `model` to path (model.tflite) for a batch of 1: litert-torch fixes the batch size at conversion
    (a dynamic batch fails to lower), and on-device inference takes one example at a time. Inputs keep the
    model's layout (NCHW images); int64 token ids become int32."""
    # Imported here, after the model is built: importing litert_torch draws from torch's random stream.
    import litert_torch

    del calibration  # float format
    litert_torch.config.show_progress = False
    litert_torch.convert(model.eval(), (example[:1],)).export(str(path))


def run(path: Path, inputs: np.ndarray) -> np.ndarray:
    """The model's outputs for a batch, one example per call (the file's batch size is 1), on the CPU."""
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=str(path))
    interpreter.allocate_tensors()
    (source,), (target,) = interpreter.get_input_details(), interpreter.get_output_details()
    outputs = []
    for row in np.asarray(inputs).astype(source["dtype"], copy=False):
        interpreter.set_tensor(source["index"], row[None])
        interpreter.invoke()
        outputs.append(interpreter.get_tensor(target["index"])[0])
    return np.stack(outputs)


def signature(path: Path) -> list[dict]:
    """The file's inputs, from its own signature (-1, a dynamic size, becomes None)."""
    from ai_edge_litert.interpreter import Interpreter

    details = Interpreter(model_path=str(path)).get_input_details()
    return [
        {
            "name": d["name"],
            "shape": [None if s < 0 else int(s) for s in d["shape_signature"]],
            "dtype": np.dtype(d["dtype"]).name,
        }
        for d in details
    ]


def runtime() -> str:
    from importlib.metadata import version

    return f"LiteRT {version('ai-edge-litert')} (ai_edge_litert Interpreter)"
{%- endraw %}
