"""Core ML (.mlpackage, ML program) export of a Keras model through coremltools, and Core ML to run it for the
parity check. The conversion runs anywhere; Core ML itself predicts only on macOS, so elsewhere the package is
written and its check is skipped (cannot_check says why).

The format module API (export/__init__.py calls it): export(model, example, path, calibration), run(path, inputs),
signature(path), runtime(), cannot_check(), REQUIRES (pip install -e ".[export]").
"""
{% raw %}
from __future__ import annotations

import sys
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

REQUIRES = ("coremltools",)


def export(model: keras.Model, example: np.ndarray, path: Path, calibration: np.ndarray) -> None:
    """Write `model` to path (model.mlpackage), with batch 1 and float32 compute."""
    import coremltools as ct

    del calibration
    # coremltools 9 converts neither a Keras 3 model nor a Keras SavedModel (several concrete functions):
    # it takes one concrete function of the inference-mode forward pass.
    name = getattr(model.inputs[0], "name", None) or "input"  # becomes the Core ML input's name
    spec = tf.TensorSpec((1, *example.shape[1:]), tf.as_dtype(example.dtype), name=name)
    forward = tf.function(lambda inputs: model(inputs, training=False)).get_concrete_function(spec)
    converted = ct.convert(
        [forward],
        source="tensorflow",
        convert_to="mlprogram",
        compute_precision=ct.precision.FLOAT32,  # float16 (the default) would miss the parity tolerance
    )
    converted.save(str(path))


def _description(path: Path):
    import coremltools as ct

    return ct.models.MLModel(str(path), skip_model_load=True).get_spec().description  # loads on any OS


def run(path: Path, inputs: np.ndarray) -> np.ndarray:
    """The package's outputs for a batch, one example at a time (Core ML predicts on macOS only)."""
    import coremltools as ct

    model = ct.models.MLModel(str(path))
    description = _description(path)
    name, output = description.input[0].name, description.output[0].name
    return np.concatenate([np.asarray(model.predict({name: row[None]})[output]) for row in inputs])


def signature(path: Path) -> list[dict]:
    """The package's inputs as its model description records them."""
    from coremltools.proto.FeatureTypes_pb2 import ArrayFeatureType

    return [
        {
            "name": i.name,
            "shape": [int(n) for n in i.type.multiArrayType.shape],
            "dtype": ArrayFeatureType.ArrayDataType.Name(i.type.multiArrayType.dataType).lower(),
        }
        for i in _description(path).input
    ]


def cannot_check() -> str | None:
    if sys.platform == "darwin":
        return None
    return f"Core ML predicts only on macOS (this is {sys.platform}): run the export on a Mac to check the package"


def runtime() -> str:
    import coremltools as ct

    return f"Core ML (coremltools {ct.__version__})"
{%- endraw %}
