"""ONNX export of a PyTorch model, and ONNX Runtime to run it for the parity check.

The format module API: see export/__init__.py.
"""
{% raw %}
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

REQUIRES = ("onnx", "onnxscript", "onnxruntime")


def dynamic_axes(model: nn.Module) -> dict[int, str]:
    """Input axes besides the batch that the model takes at any size (up to the traced example's)."""
    return getattr(model, "dynamic_axes", {})


def export(model: nn.Module, example: torch.Tensor, path: Path, calibration: np.ndarray | None = None) -> None:
    """Write `model` to path (model.onnx). `example` has a batch of 2 or more: the batch axis stays dynamic, and
    so do the axes the model names in `dynamic_axes` (a language model's sequence)."""
    axes = {axis: torch.export.Dim(name, min=1, max=example.shape[axis]) for axis, name in dynamic_axes(model).items()}
    # The dynamo exporter (torch.export + onnxscript) is the supported path.
    torch.onnx.export(
        model.eval(),
        (example,),
        path,
        dynamo=True,
        input_names=["input"],
        output_names=["output"],
        dynamic_shapes=({0: torch.export.Dim("batch"), **axes},),
        external_data=False,  # one self-contained file (fine below 2 GB)
        verbose=False,
    )

{%- endraw %}
{% include "common/export/onnx_runtime.py" %}
