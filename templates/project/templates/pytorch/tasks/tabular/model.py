"""The model: a small MLP, so it trains in seconds on a CPU; widen it in configs/train.yaml.

A task module owns what the training loop must not assume: the network, the input layout, an example
batch, the loss and the metrics.
"""
{% raw %}
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .config import Config


def build_model(cfg: Config) -> nn.Module:
    """A two-hidden-layer MLP."""
    return nn.Sequential(
        nn.Linear(cfg.num_features, cfg.hidden_dim),
        nn.ReLU(),
        nn.Dropout(cfg.dropout),
        nn.Linear(cfg.hidden_dim, cfg.hidden_dim),
        nn.ReLU(),
        nn.Linear(cfg.hidden_dim, cfg.num_classes),
    )


def as_model_input(x: np.ndarray) -> torch.Tensor:
    """Feature rows from sources.py (float32) -> a tensor, as they are."""
    return torch.from_numpy(np.ascontiguousarray(x))


def example_input(cfg: Config, batch_size: int = 2) -> torch.Tensor:
    """A batch shaped like real input (used by export and the tests)."""
    return torch.randn(batch_size, cfg.num_features)
{% endraw %}
{% include "pytorch/objectives/classification.py" -%}
