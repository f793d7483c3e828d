"""LiteRT (.tflite, float32) export of a Keras model, and the LiteRT interpreter to run it for the parity check.

Built-in LiteRT ops only: a file that needed TensorFlow (flex) ops would not load in the plain LiteRT runtime of
a phone. The batch axis stays dynamic; other axes take the example's size.

The format module API (export/__init__.py calls it): export(model, example, path, calibration), run(path, inputs),
signature(path), runtime(), REQUIRES (modules these need; pip install -e ".[export]").
"""
{% raw %}
from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

REQUIRES = ("ai_edge_litert",)


def export(model: keras.Model, example: np.ndarray, path: Path, calibration: np.ndarray) -> None:
    """Write `model` to path (model.tflite). An input axis besides the batch that the model leaves open (a
    language model's sequence) is fixed to the example's size: the converter cannot lower attention over an
    unknown length."""
    del calibration
    # Keras' default also allows SELECT_TF_OPS (flex), which the LiteRT runtime alone cannot run: the converter
    # fails instead of writing a file that would only load with the flex delegate.
    builtins_only = {"supported_ops": [tf.lite.OpsSet.TFLITE_BUILTINS]}
    signature = None  # the model's own input shape
    if None in tuple(model.inputs[0].shape)[1:]:
        shape, name = (None, *example.shape[1:]), model.inputs[0].name
        signature = [keras.InputSpec(shape=shape, dtype=example.dtype.name, name=name)]
    model.export(str(path), format="litert", verbose=False, target_spec=builtins_only, input_signature=signature)


def _interpreter(path: Path):
    from ai_edge_litert.interpreter import Interpreter

    return Interpreter(model_path=str(path))


def run(path: Path, inputs: np.ndarray) -> np.ndarray:
    """The exported model's outputs for a batch, with the LiteRT interpreter on the CPU."""
    interpreter = _interpreter(path)
    source, target = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    dynamic = source["shape_signature"][0] == -1
    batch = len(inputs) if dynamic else int(source["shape"][0])
    if dynamic:
        interpreter.resize_tensor_input(source["index"], [batch, *source["shape"][1:]])
    interpreter.allocate_tensors()
    outputs = []
    for start in range(0, len(inputs), batch):  # one call, or a loop when the batch size is fixed
        chunk = inputs[start : start + batch]
        padded = np.concatenate([chunk, np.repeat(chunk[-1:], batch - len(chunk), axis=0)])
        interpreter.set_tensor(source["index"], padded.astype(source["dtype"]))
        interpreter.invoke()
        outputs.append(interpreter.get_tensor(target["index"])[: len(chunk)])
    return np.concatenate(outputs)


def signature(path: Path) -> list[dict]:
    """The file's inputs (-1 in LiteRT's shape signature is a dynamic dimension: None)."""
    return [
        {
            "name": d["name"],
            "shape": [None if n == -1 else int(n) for n in d["shape_signature"]],
            "dtype": np.dtype(d["dtype"]).name,
        }
        for d in _interpreter(path).get_input_details()
    ]


def runtime() -> str:
    from importlib.metadata import version

    return f"LiteRT {version('ai-edge-litert')}"
{%- endraw %}
