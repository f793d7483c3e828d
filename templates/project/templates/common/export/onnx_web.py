"""ONNX for ONNX Runtime Web: the same model.onnx as the onnx format, checked under Node.js with
onnxruntime-node (the CPU kernels ONNX Runtime Web's wasm backend shares), so a browser build is known to load it.

The format module API (export/__init__.py calls it): SOURCE, derive(source, path), prepare(install),
run(path, inputs), signature(path), runtime(), REQUIRES. Node packages live in the export tools folder (tools.py).
"""
{% raw %}
from __future__ import annotations

from pathlib import Path

import numpy as np

from . import tools

REQUIRES = ("onnxruntime",)  # signature() reads the file with the Python runtime
SOURCE = "onnx"
PACKAGE = "onnxruntime-node"

_SCRIPT = r"""
const ort = require("onnxruntime-node");
async function main(params) {
  const session = await ort.InferenceSession.create(params.model, {executionProviders: ["cpu"]});
  const x = readArray("input");
  const out = await session.run({[session.inputNames[0]]: new ort.Tensor(x.dtype, x.data, x.shape)});
  const y = out[session.outputNames[0]];
  return {output: {data: y.data, shape: y.dims}};
}
"""


def prepare(install: bool) -> str | None:
    return tools.node_ready(PACKAGE, install)


def derive(source: Path, path: Path) -> None:
    """Nothing to convert: the browser loads the onnx format's file itself (the same path)."""
    if not source.exists():
        raise FileNotFoundError(f"{source} is missing: export the onnx format first")
    if source.resolve() != path.resolve():
        path.write_bytes(source.read_bytes())


def run(path: Path, inputs: np.ndarray) -> np.ndarray:
    """The model's outputs under onnxruntime-node (CPU), in chunks when the file fixes the batch size."""
    batch = signature(path)[0]["shape"][0]
    step = batch if isinstance(batch, int) else len(inputs)
    outputs = []
    for start in range(0, len(inputs), step):
        chunk = inputs[start : start + step]
        pad = step - len(chunk)  # a fixed batch: fill the last chunk with copies of its first row
        if pad:
            chunk = np.concatenate([chunk, np.repeat(chunk[:1], pad, axis=0)])
        result = tools.run_node(_SCRIPT, {"input": chunk}, {"model": str(path.resolve())})["output"]
        outputs.append(result[: len(result) - pad])
    return np.concatenate(outputs)


def signature(path: Path) -> list[dict]:
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    types = {"float": "float32", "double": "float64"}  # ONNX type names that differ from numpy's
    return [
        {
            "name": i.name,
            "shape": [d if isinstance(d, int) else None for d in i.shape],
            "dtype": types.get(i.type[7:-1], i.type[7:-1]),  # "tensor(float)" -> "float32"
        }
        for i in session.get_inputs()
    ]


def runtime() -> str:
    return f"onnxruntime-node {tools.package_version(PACKAGE)} (Node.js {tools.node_version().lstrip('v')})"
{%- endraw %}
