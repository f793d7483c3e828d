"""The model: a small CNN, so it trains in seconds on a CPU; widen it in configs/train.yaml.

A task module owns what the training loop must not assume: the network, the input layout, an example
batch, the loss and the metrics.
"""
{% raw %}
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .config import Config


class SmallCNN(nn.Module):
    """Two conv blocks, global average pooling, linear head: works for any image size."""

    def __init__(self, channels: int, num_classes: int, width: int = 16, dropout: float = 0.1):
        super().__init__()

        def block(c_in: int, c_out: int) -> nn.Sequential:
            return nn.Sequential(
                nn.Conv2d(c_in, c_out, 3, padding=1),
                nn.ReLU(),
                nn.Conv2d(c_out, c_out, 3, padding=1),
                nn.ReLU(),
                nn.MaxPool2d(2),
            )

        self.features = nn.Sequential(block(channels, width), block(width, 2 * width))
        self.head = nn.Sequential(
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout), nn.Linear(2 * width, num_classes)
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(images))


def build_model(cfg: Config) -> nn.Module:
    return SmallCNN(cfg.channels, cfg.num_classes, cfg.base_filters, cfg.dropout)


def as_model_input(x: np.ndarray) -> torch.Tensor:
    """Images from sources.py (NHWC float32) -> the NCHW tensor PyTorch convolutions take."""
    return torch.from_numpy(np.ascontiguousarray(x)).permute(0, 3, 1, 2).contiguous()


def example_input(cfg: Config, batch_size: int = 2) -> torch.Tensor:
    """A batch shaped like real input (used by export and the tests)."""
    return torch.rand(batch_size, cfg.channels, cfg.image_size, cfg.image_size)
{% endraw %}
{% include "pytorch/objectives/classification.py" -%}
