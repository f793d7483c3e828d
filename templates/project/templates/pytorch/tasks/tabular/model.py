"""The model: feature standardisation fitted on the training split, then a small MLP (the same network as
the Keras template); widen it with hidden_dim in configs/train.yaml.

A task module owns what the training loop must not assume: the network, the input layout, an example
batch, input statistics fitted on the training split (adapt), training-time augmentation, and the loss.
"""
{% raw %}
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .config import Config


class Standardize(nn.Module):
    """(x - mean) / std per feature, with the training split's statistics saved in the model's state,
    so checkpoints and exports take raw feature values."""

    def __init__(self, num_features: int):
        super().__init__()
        self.register_buffer("mean", torch.zeros(num_features))
        self.register_buffer("std", torch.ones(num_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std


def build_model(cfg: Config) -> nn.Module:
    """Standardisation, then two hidden layers with ReLU and dropout."""
    return nn.Sequential(
        Standardize(cfg.num_features),
        nn.Linear(cfg.num_features, cfg.hidden_dim),
        nn.ReLU(),
        nn.Dropout(cfg.dropout),
        nn.Linear(cfg.hidden_dim, cfg.hidden_dim),
        nn.ReLU(),
        nn.Dropout(cfg.dropout),
        nn.Linear(cfg.hidden_dim, cfg.num_classes),
    )


def as_model_input(x: np.ndarray) -> torch.Tensor:
    """Feature rows from sources.py (float32) -> a tensor, as they are."""
    return torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))


def example_input(cfg: Config, batch_size: int = 2) -> torch.Tensor:
    """A batch shaped like real input (used by export and the tests)."""
    return torch.randn(batch_size, cfg.num_features, generator=torch.Generator().manual_seed(0))


def adapt(model: nn.Module, train_inputs: np.ndarray | None) -> None:
    """Fit the standardisation to the training split (never validation or test: that would leak)."""
    if train_inputs is None or len(train_inputs) == 0:
        return
    x = np.asarray(train_inputs, dtype=np.float64)
    standardize = model[0]
    standardize.mean.copy_(torch.from_numpy(x.mean(axis=0)).float())
    # A constant column has std 0: dividing by a tiny number keeps it at 0 after centring.
    standardize.std.copy_(torch.from_numpy(np.maximum(x.std(axis=0), 1e-7)).float())


def augment(inputs: torch.Tensor, cfg: Config, generator: torch.Generator) -> torch.Tensor:
    """No augmentation for tables."""
    return inputs
{% endraw %}
{% include "pytorch/objectives/classification.py" -%}
