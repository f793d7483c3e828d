"""ONNX export of a PyTorch model, and ONNX Runtime to run it for the parity check.

The format module API (export/__init__.py calls it): export(model, example, path), run(path, inputs),
REQUIRES (modules the two need; pip install -e ".[export]").
"""
{% raw %}
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

REQUIRES = ("onnx", "onnxscript", "onnxruntime")


def export(model: nn.Module, example: torch.Tensor, path: Path) -> None:
    """Write `model` to path (model.onnx). `example` has a batch of 2 or more: the batch axis stays dynamic."""
    # The dynamo exporter (torch.export + onnxscript) is the supported path.
    torch.onnx.export(
        model.eval(),
        (example,),
        path,
        dynamo=True,
        input_names=["input"],
        output_names=["output"],
        dynamic_shapes=({0: torch.export.Dim("batch")},),
        external_data=False,  # one self-contained file (fine below 2 GB)
        verbose=False,
    )


def run(path: Path, inputs: np.ndarray) -> np.ndarray:
    """The exported model's outputs for a batch, with ONNX Runtime on the CPU."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: inputs})[0]
{%- endraw %}
