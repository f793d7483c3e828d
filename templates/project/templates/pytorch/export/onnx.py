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


def export(model: nn.Module, example: torch.Tensor, path: Path, calibration: np.ndarray | None = None) -> None:
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

{%- endraw %}
{% include "common/export/onnx_runtime.py" %}
