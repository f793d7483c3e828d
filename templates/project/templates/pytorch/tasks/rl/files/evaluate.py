"""Play a run's kept checkpoint greedily (the most likely action each step) on episodes whose seeds training
never used: no need to name the environment again, it comes from the checkpoint.

    python -m {{ cookiecutter.package }}.evaluate
        [--output-dir RUN] [--checkpoint PATH] [--episodes N] [--split test|val] [--device D] [--json]

--json prints one JSON object (mean_return, std_return, min_return, max_return, mean_length, episodes, seeds,
split, checkpoint); with the default episodes its mean_return is the test line of RUN/metrics.jsonl.
"""
{% raw %}
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import torch
from torch import nn

from . import cli, metrics
from .device import select_device
from .train import checkpoint_path, describe, score_checkpoint


@torch.no_grad()
def predict(model: nn.Module, inputs: np.ndarray) -> np.ndarray:
    """The model's outputs for a batch in model.example_input's layout, on the CPU, as numpy."""
    model.eval()
    device = next(model.parameters()).device
    return model(torch.as_tensor(inputs, device=device)).cpu().numpy()
{%- endraw %}
{% include "common/tasks/rl/evaluate_cli.py" %}
