"""ONNX export of a Keras model (TensorFlow backend, through tf2onnx), and ONNX Runtime to run it for the parity
check.

The format module API (export/__init__.py calls it): export(model, example, path, calibration), run(path, inputs),
signature(path), runtime(), REQUIRES (modules these need; pip install -e ".[export]").
"""
{% raw %}
from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

REQUIRES = ("tf2onnx", "onnx", "onnxruntime")


def export(model: keras.Model, example: np.ndarray, path: Path, calibration: np.ndarray) -> None:
    """Write `model` to path (model.onnx); the model's open axes (the batch, a language model's sequence) stay
    dynamic."""
    import tensorflow as tf
    import tf2onnx
    from tf2onnx import tf_loader

    del calibration
    # Not model.export(format="onnx"): tf2onnx's from_function turns tensors the function captures by value
    # (an adapted Normalization layer's mean and variance) into extra graph inputs. Freezing the function with
    # only the real input named makes them constants.
    name = getattr(model.inputs[0], "name", None) or "input"
    spec = tf.TensorSpec(tuple(model.inputs[0].shape), tf.as_dtype(example.dtype), name=name)
    forward = tf.function(lambda inputs: model(inputs, training=False)).get_concrete_function(spec)
    source, target = forward.inputs[0].name, forward.outputs[0].name  # inputs after the first are captures
    graph = tf_loader.from_function(forward, [source], [target])
    tf2onnx.convert.from_graph_def(
        graph,
        input_names=[source],
        output_names=[target],
        tensors_to_rename={source: name, target: "output"},
        output_path=str(path),
    )

{%- endraw %}
{% include "common/export/onnx_runtime.py" %}
