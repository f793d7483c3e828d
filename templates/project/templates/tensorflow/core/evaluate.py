"""Score a run's kept checkpoint on the test split it recorded: no need to name the data again.

    python -m {{ cookiecutter.package }}.evaluate
        [--output-dir RUN] [--checkpoint PATH] [--split test|val|train] [--device D] [--json]

--json prints one JSON object (accuracy, loss, macro_f1, examples, split, checkpoint); its accuracy is the
test line of RUN/metrics.jsonl. The data and split come from the checkpoint, so a changed seed or config
never mixes training examples into the score.
"""
{% raw %}
from __future__ import annotations

import json
import math
from pathlib import Path

import keras
import numpy as np

from . import cli, metrics
from .device import select_device
from .train import checkpoint_path, describe, score_checkpoint


def predict(model: keras.Model, inputs: np.ndarray) -> np.ndarray:
    """The model's outputs for a batch in model.example_input's layout, as numpy (inference mode)."""
    return keras.ops.convert_to_numpy(model(inputs, training=False))
{%- endraw %}
{% include "common/evaluate.py" %}
