"""torch.export program (.pt2) of a PyTorch model: the graph and weights in one file, loaded back with
torch.export.load (Python) or compiled for C++ serving with AOTInductor.

The format module API: see export/__init__.py.
"""
{% raw %}
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

REQUIRES: tuple[str, ...] = ()


def dynamic_axes(model: nn.Module) -> dict[int, str]:
    """Input axes besides the batch that the model takes at any size (up to the traced example's)."""
    return getattr(model, "dynamic_axes", {})


def export(model: nn.Module, example: torch.Tensor, path: Path, calibration: np.ndarray) -> None:
    """Write `model` to path (model.pt2); the batch axis stays dynamic (`example` has a batch of 2), and so do the
    axes the model names in `dynamic_axes` (a language model's sequence, up to the example's length)."""
    del calibration  # float format
    axes = {axis: torch.export.Dim(name, min=1, max=example.shape[axis]) for axis, name in dynamic_axes(model).items()}
    program = torch.export.export(model.eval(), (example,), dynamic_shapes=({0: torch.export.Dim("batch"), **axes},))
    torch.export.save(program, path)


def run(path: Path, inputs: np.ndarray) -> np.ndarray:
    """The program's outputs for a batch, on the CPU."""
    module = torch.export.load(path).module()
    with torch.no_grad():
        return module(torch.from_numpy(np.ascontiguousarray(inputs))).numpy()


def signature(path: Path) -> list[dict]:
    """The program's inputs, from its placeholders (symbolic sizes are dynamic: None)."""
    program = torch.export.load(path)
    names = set(program.graph_signature.user_inputs)
    inputs = []
    for node in program.graph.nodes:
        if node.op == "placeholder" and node.name in names:
            value = node.meta["val"]
            shape = [int(d) if isinstance(d, int) else None for d in value.shape]
            inputs.append({"name": node.name, "shape": shape, "dtype": str(value.dtype).removeprefix("torch.")})
    return inputs


def runtime() -> str:
    return f"PyTorch {torch.__version__.split('+')[0]} (torch.export)"
{%- endraw %}
