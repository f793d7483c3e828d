"""TensorFlow SavedModel export of a Keras model, and tf.saved_model.load to run it for the parity check.

The format module API (export/__init__.py calls it): export(model, example, path), run(path, inputs),
REQUIRES (modules the two need beyond TensorFlow).
"""
{% raw %}
from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

REQUIRES = ()


def export(model: keras.Model, example: np.ndarray, path: Path) -> None:
    """Write `model` to the folder path (saved_model/), serving function `serve`; the batch axis is dynamic."""
    del example  # the Keras model already knows its input signature
    model.export(str(path), format="tf_saved_model", verbose=False)


def run(path: Path, inputs: np.ndarray) -> np.ndarray:
    """The exported model's outputs for a batch, through its `serve` function."""
    loaded = tf.saved_model.load(str(path))  # keep a reference: `serve` needs its variables alive
    return loaded.serve(tf.constant(inputs)).numpy()
{%- endraw %}
