"""The model: a small keyword-spotting CNN over log-mel spectrograms (the same network as the Keras
template), tens of thousands of weights, so its int8 export fits a microcontroller; widen it with
base_filters in configs/train.yaml.

The network takes log-mel features, not waveforms: sources.py computes them (the front end), so every export
holds the network alone and a device feeds it the features its own front end computes.

A task module owns what the training loop must not assume: the network, the input layout, an example
batch, input statistics fitted on the training split (adapt), training-time augmentation, and the loss.
"""
{% raw %}
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .config import Config
from .sources import LOG_OFFSET, FrontEnd


class KeywordCNN(nn.Module):
    """Three blocks of a 3x3 convolution (batch norm, ReLU) and 2x2 max pooling over (time, mel), global
    average pooling, dropout and a linear head: ops every int8 runtime has, down to TFLite Micro."""

    def __init__(self, num_classes: int, width: int = 16, dropout: float = 0.1):
        super().__init__()

        def block(c_in: int, c_out: int) -> nn.Sequential:
            # momentum 0.1 (Keras: 0.9): running statistics that keep up within a few dozen steps.
            return nn.Sequential(
                nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out, momentum=0.1), nn.ReLU(),
                nn.MaxPool2d(2),
            )  # fmt: skip

        self.features = nn.Sequential(block(1, width), block(width, 2 * width), block(2 * width, 4 * width))
        self.head = nn.Sequential(
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout), nn.Linear(4 * width, num_classes)
        )

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(features))


def build_model(cfg: Config) -> nn.Module:
    return KeywordCNN(cfg.num_classes, cfg.base_filters, cfg.dropout)


def as_model_input(x: np.ndarray) -> torch.Tensor:
    """Log-mel features from sources.py (N, frames, mels, 1) -> the (N, 1, frames, mels) tensor PyTorch
    convolutions take."""
    return torch.from_numpy(np.ascontiguousarray(x)).permute(0, 3, 1, 2).contiguous()


def example_input(cfg: Config, batch_size: int = 2) -> torch.Tensor:
    """A batch shaped like real input (used by export and the tests): log-mel values from silence up."""
    fe = FrontEnd.from_config(cfg)
    generator = torch.Generator().manual_seed(0)
    low = float(np.log(LOG_OFFSET))
    return low + (8.0 - low) * torch.rand(batch_size, 1, fe.frames, fe.num_mels, generator=generator)


def adapt(model: nn.Module, train_inputs: np.ndarray | None) -> None:
    """Nothing to fit: batch norm after the first convolution scales the log-mel values."""


def augment(features: torch.Tensor, cfg: Config, generator: torch.Generator) -> torch.Tensor:
    """Training batches only (cfg.augment): each clip shifted in time by up to 1/8 of its frames, the edge
    frames repeated (a keyword is the same keyword a little earlier or later)."""
    if not cfg.augment:
        return features
    n, _, frames, _ = features.shape
    pad = max(1, frames // 8)
    padded = nn.functional.pad(features, (0, 0, pad, pad), mode="replicate")
    starts = torch.randint(0, 2 * pad + 1, (n,), generator=generator).tolist()
    return torch.stack([padded[i, :, s : s + frames] for i, s in enumerate(starts)])
{% endraw %}
{% include "pytorch/objectives/classification.py" -%}
