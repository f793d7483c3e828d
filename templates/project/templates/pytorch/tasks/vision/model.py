"""The model: a small CNN with batch normalisation (the same network as the Keras template), so it trains
in minutes on a CPU; widen it with base_filters in configs/train.yaml.

A task module owns what the training loop must not assume: the network, the input layout, an example
batch, input statistics fitted on the training split (adapt), training-time augmentation, and the loss.
"""
{% raw %}
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .config import Config


class SmallCNN(nn.Module):
    """Three blocks of two 3x3 convolutions (batch norm, ReLU) and max pooling, global average pooling,
    dropout and a linear head: works for any image size from 8 pixels up."""

    def __init__(self, channels: int, num_classes: int, width: int = 16, dropout: float = 0.1):
        super().__init__()

        def conv(c_in: int, c_out: int) -> list[nn.Module]:
            # momentum 0.1 (Keras: 0.9): running statistics that keep up within a few dozen steps.
            return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out, momentum=0.1), nn.ReLU()]

        def block(c_in: int, c_out: int) -> nn.Sequential:
            return nn.Sequential(*conv(c_in, c_out), *conv(c_out, c_out), nn.MaxPool2d(2))

        self.features = nn.Sequential(block(channels, width), block(width, 2 * width), block(2 * width, 4 * width))
        self.head = nn.Sequential(
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout), nn.Linear(4 * width, num_classes)
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
    generator = torch.Generator().manual_seed(0)
    return torch.rand(batch_size, cfg.channels, cfg.image_size, cfg.image_size, generator=generator)


def adapt(model: nn.Module, train_inputs: np.ndarray | None) -> None:
    """Nothing to fit: pixels are in [0, 1] and batch norm scales the features."""


def augment(images: torch.Tensor, cfg: Config, generator: torch.Generator) -> torch.Tensor:
    """Training batches only (cfg.augment): a random shift of up to 1/8 of the size, edges mirrored, and a
    horizontal flip when cfg.horizontal_flip (mirror images must be the same class)."""
    if not cfg.augment:
        return images
    n, _, height, width = images.shape
    pad = max(1, height // 8)
    padded = nn.functional.pad(images, (pad, pad, pad, pad), mode="reflect")
    dy, dx = torch.randint(0, 2 * pad + 1, (2, n), generator=generator).tolist()
    shifted = torch.stack([padded[i, :, dy[i] : dy[i] + height, dx[i] : dx[i] + width] for i in range(n)])
    if cfg.horizontal_flip:
        flip = torch.rand(n, generator=generator) < 0.5
        shifted[flip] = shifted[flip].flip(-1)
    return shifted
{% endraw %}
{% include "pytorch/objectives/classification.py" -%}
