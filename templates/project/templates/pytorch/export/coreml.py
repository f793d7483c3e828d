"""Core ML (.mlpackage, ML program) of a PyTorch model, converted by coremltools from a torch.export program:
what iOS and macOS apps load. coremltools converts on any OS, but Core ML predicts only on macOS, so the
parity check runs there (cannot_check() says so elsewhere).

The format module API: see export/__init__.py.
"""
{% raw %}
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

REQUIRES: tuple[str, ...] = ("coremltools",)

MAX_BATCH = 64  # Core ML needs a bound on a flexible dimension


def dynamic_axes(model: nn.Module) -> dict[int, str]:
    """Input axes besides the batch that the model takes at any size (up to the traced example's)."""
    return getattr(model, "dynamic_axes", {})


def export(model: nn.Module, example: torch.Tensor, path: Path, calibration: np.ndarray) -> None:
    """Write `model` to the folder path (model.mlpackage), batch axis flexible up to MAX_BATCH. It computes in
    float32 so it can match the model to 1e-3; convert with ct.precision.FLOAT16 to run on the Neural Engine."""
    import coremltools as ct

    del calibration  # float format
    register_missing_ops()
    batch = torch.export.Dim("batch", min=1, max=MAX_BATCH)  # min 1: the default shape Core ML shows
    axes = {axis: torch.export.Dim(name, min=1, max=example.shape[axis]) for axis, name in dynamic_axes(model).items()}
    program = torch.export.export(model.eval(), (example,), dynamic_shapes=({0: batch, **axes},))
    converted = ct.convert(
        program.run_decompositions(),  # core ATen ops
        convert_to="mlprogram",
        compute_precision=ct.precision.FLOAT32,
        minimum_deployment_target=ct.target.iOS16,
    )
    converted.save(str(path))


def register_missing_ops() -> None:
    """coremltools 9 has no converter for aten.alias (a full slice, the text model's positions) nor for
    `a | b` (its padding mask): alias is a no-op, `|` on bool tensors a logical or."""
    from coremltools.converters.mil import Builder as mb
    from coremltools.converters.mil.frontend.torch import ops, torch_op_registry
    from coremltools.converters.mil.mil import types

    def bitwise_or(context, node) -> None:
        x, y = ops._get_inputs(context, node, expected=2)
        if not (types.is_bool(x.dtype) and types.is_bool(y.dtype)):
            raise NotImplementedError(f"Core ML export: `|` on {x.dtype} tensors (only bool is supported)")
        context.add(mb.logical_or(x=x, y=y, name=node.name))

    # set_func_by_name: register_torch_op refuses names ending in "_"; names already there are kept.
    for name, func in (("alias", ops.noop), ("__or__", bitwise_or), ("bitwise_or", bitwise_or)):
        if name not in torch_op_registry._TORCH_OPS_REGISTRY.name_to_func_mapping:
            torch_op_registry._TORCH_OPS_REGISTRY.set_func_by_name(func, name)


def cannot_check() -> str | None:
    if sys.platform == "darwin":
        return None
    package = (__package__ or "").rpartition(".")[0]
    command = f"`python -m {package}.export --format coreml`" if package else "this project's export --format coreml"
    return f"Core ML predicts only on macOS: run {command} on a Mac to check parity"


def run(path: Path, inputs: np.ndarray) -> np.ndarray:
    """The model's outputs for a batch, with Core ML on the CPU (macOS only), MAX_BATCH examples per call."""
    import coremltools as ct

    model = ct.models.MLModel(str(path), compute_units=ct.ComputeUnit.CPU_ONLY)
    spec = model.get_spec().description
    name, output = spec.input[0].name, spec.output[0].name
    x = np.asarray(inputs)
    if np.issubdtype(x.dtype, np.integer):
        x = x.astype(np.int32)  # Core ML has no int64 tensors
    return np.concatenate(
        [model.predict({name: x[i : i + MAX_BATCH]})[output] for i in range(0, len(x), MAX_BATCH)]
    ).astype(np.float32)


def signature(path: Path) -> list[dict]:
    """The model's inputs, from the package's spec (a flexible dimension is None)."""
    import coremltools as ct
    from coremltools.proto.FeatureTypes_pb2 import ArrayFeatureType

    inputs = []
    for feature in ct.models.MLModel(str(path), skip_model_load=True).get_spec().description.input:
        array = feature.type.multiArrayType
        ranges = array.shapeRange.sizeRanges
        shape = [
            None if ranges and ranges[i].lowerBound != ranges[i].upperBound else int(s)
            for i, s in enumerate(array.shape)
        ]
        dtype = ArrayFeatureType.ArrayDataType.Name(array.dataType).lower().replace("double", "float64")
        inputs.append({"name": feature.name, "shape": shape, "dtype": dtype})
    return inputs


def runtime() -> str:
    import coremltools as ct

    return f"Core ML (coremltools {ct.__version__})"
{%- endraw %}
