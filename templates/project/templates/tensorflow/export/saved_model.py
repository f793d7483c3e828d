"""TensorFlow SavedModel export of a Keras model, and tf.saved_model.load to run it for the parity check.

The format module API (export/__init__.py calls it): export(model, example, path, calibration), run(path, inputs),
signature(path), runtime(), REQUIRES (modules these need beyond TensorFlow).
"""
{% raw %}
from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

REQUIRES = ()


def export(model: keras.Model, example: np.ndarray, path: Path, calibration: np.ndarray) -> None:
    """Write `model` to the folder path (saved_model/), serving function `serve`; the batch axis is dynamic."""
    del example, calibration  # the Keras model already knows its input signature
    model.export(str(path), format="tf_saved_model", verbose=False)


def run(path: Path, inputs: np.ndarray) -> np.ndarray:
    """The exported model's outputs for a batch, through its `serve` function."""
    loaded = tf.saved_model.load(str(path))  # keep a reference: `serve` needs its variables alive
    return loaded.serve(tf.constant(inputs)).numpy()


def signature(path: Path) -> list[dict]:
    """The inputs of the `serve` signature, as the SavedModel records them."""
    loaded = tf.saved_model.load(str(path))
    specs = loaded.signatures["serve"].structured_input_signature[1]  # (args, kwargs): the kwargs name the inputs
    return [{"name": name, "shape": spec.shape.as_list(), "dtype": spec.dtype.name} for name, spec in specs.items()]


def runtime() -> str:
    return f"TensorFlow {tf.__version__}"
{%- endraw %}
