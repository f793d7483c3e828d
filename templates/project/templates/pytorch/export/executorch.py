"""ExecuTorch program (.pte) of a PyTorch model, lowered to XNNPACK: the file the ExecuTorch runtime loads on
Android, iOS and embedded Linux. The parity check runs it with ExecuTorch's Python runtime on this CPU.

The format module API: see export/__init__.py.
"""
{% raw %}
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

REQUIRES: tuple[str, ...] = ("executorch",)

# ExecuTorch plans memory for the largest batch: a bound keeps the arena small on a phone. run() loops above it.
MAX_BATCH = 32

# ExecuTorch scalar types (the .pte's names) -> numpy dtype names.
DTYPES = {
    "FLOAT": "float32",
    "HALF": "float16",
    "DOUBLE": "float64",
    "LONG": "int64",
    "INT": "int32",
    "SHORT": "int16",
    "CHAR": "int8",
    "BYTE": "uint8",
    "BOOL": "bool",
}


def dynamic_axes(model: nn.Module) -> dict[int, str]:
    """Input axes besides the batch that the model takes at any size (up to the traced example's)."""
    return getattr(model, "dynamic_axes", {})


def export(model: nn.Module, example: torch.Tensor, path: Path, calibration: np.ndarray) -> None:
    """Write `model` to path (model.pte): XNNPACK runs what it supports, portable kernels the rest; the batch
    axis is dynamic up to MAX_BATCH, and the axes the model names in `dynamic_axes` (a language model's
    sequence) up to the example's size."""
    from executorch.backends.xnnpack.partition import xnnpack_partitioner
    from executorch.exir import to_edge_transform_and_lower

    del calibration  # float format
    batch = torch.export.Dim("batch", max=MAX_BATCH)
    axes = {axis: torch.export.Dim(name, min=1, max=example.shape[axis]) for axis, name in dynamic_axes(model).items()}
    program = torch.export.export(model.eval(), (example,), dynamic_shapes=({0: batch, **axes},))
    partitioner = xnnpack_partitioner.XnnpackPartitioner()
    lowered = to_edge_transform_and_lower(program, partitioner=[partitioner]).to_executorch()
    path.write_bytes(lowered.buffer)


def run(path: Path, inputs: np.ndarray) -> np.ndarray:
    """The program's outputs for a batch, with the ExecuTorch runtime (pybindings) on the CPU."""
    from executorch.runtime import Runtime

    program = Runtime.get().load_program(path)
    max_batch = program.metadata("forward").input_tensor_meta(0).sizes()[0]
    method = program.load_method("forward")
    x = torch.from_numpy(np.ascontiguousarray(inputs))
    return np.concatenate([method.execute([chunk])[0].numpy() for chunk in x.split(max_batch)])


def signature(path: Path) -> list[dict]:
    """The `forward` method's inputs, from the .pte: a dynamic tensor's batch axis is None (the only axis
    export() makes dynamic; the file keeps its upper bound, see details())."""
    from executorch.exir._serialize._program import deserialize_pte_binary

    plan = deserialize_pte_binary(path.read_bytes()).program.execution_plan[0]
    inputs = []
    for i, index in enumerate(plan.inputs):
        tensor = plan.values[index].val
        shape: list[int | None] = list(tensor.sizes)
        if tensor.shape_dynamism.name != "STATIC":
            shape[0] = None
        dtype = DTYPES.get(tensor.scalar_type.name, tensor.scalar_type.name.lower())
        inputs.append({"name": f"input_{i}", "shape": shape, "dtype": dtype})
    return inputs


def details(path: Path) -> dict:
    """The largest batch the program accepts in one call."""
    from executorch.runtime import Runtime

    return {"max_batch": Runtime.get().load_program(path).metadata("forward").input_tensor_meta(0).sizes()[0]}


def runtime() -> str:
    from importlib.metadata import version

    return f"ExecuTorch {version('executorch')} (XNNPACK)"
{%- endraw %}
