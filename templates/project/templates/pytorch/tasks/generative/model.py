"""The model: a small convolutional variational autoencoder (the same network as the Keras template), so it
trains in minutes on a CPU; widen it with base_filters and latent_dim in configs/train.yaml.

A task module owns what the training loop must not assume: the network, the input layout, an example
batch, input statistics fitted on the training split (adapt), training-time augmentation, and the loss.
"""
{% raw %}
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .config import Config
from .metrics import KL_WEIGHT, mean_logit


class VAE(nn.Module):
    """Encoder: two stride-2 3x3 convolutions (ReLU) and two linear heads, the mean and log-variance of the
    code z. Decoder: a linear layer, then twice nearest-neighbour upsampling and a 3x3 convolution (ReLU),
    and a 3x3 convolution to one logit per pixel. Training draws z = mean + exp(log_var / 2) * noise (torch's
    global random stream: seeded by cfg.seed, saved with the checkpoints for resume); evaluation takes z = mean.

    forward(images) returns, per image, the reconstruction logits (flattened NCHW), the mean and the
    log-variance in one row: the loss and metrics.scores split them again."""

    def __init__(self, channels: int, image_size: int, width: int = 16, latent_dim: int = 8):
        super().__init__()
        bottom = image_size // 4
        features = 2 * width * bottom * bottom
        self.encoder = nn.Sequential(
            nn.Conv2d(channels, width, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(width, 2 * width, 3, stride=2, padding=1), nn.ReLU(),
            nn.Flatten(),
        )  # fmt: skip
        self.mean = nn.Linear(features, latent_dim)
        self.log_var = nn.Linear(features, latent_dim)
        self.decoder = nn.Sequential(
            nn.Linear(latent_dim, features), nn.ReLU(), nn.Unflatten(1, (2 * width, bottom, bottom)),
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(2 * width, width, 3, padding=1), nn.ReLU(),
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(width, width, 3, padding=1), nn.ReLU(),
            nn.Conv2d(width, channels, 3, padding=1),
        )  # fmt: skip

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        features = self.encoder(images)
        mean, log_var = self.mean(features), self.log_var(features)
        z = mean + torch.exp(0.5 * log_var) * torch.randn_like(mean) if self.training else mean
        return torch.cat([self.decoder(z).flatten(1), mean, log_var], dim=1)


class Generator(nn.Module):
    """The decoder as it ships: codes (batch, latent_dim) -> images (batch, height, width, channels) in [0, 1],
    channels last as in the Keras template (one layout for every exported file)."""

    def __init__(self, decoder: nn.Module):
        super().__init__()
        self.decoder = decoder

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.decoder(z)).permute(0, 2, 3, 1)


def build_model(cfg: Config) -> nn.Module:
    return VAE(cfg.channels, cfg.image_size, cfg.base_filters, cfg.latent_dim)


def as_model_input(x: np.ndarray) -> torch.Tensor:
    """Images from sources.py (NHWC float32) -> the NCHW tensor PyTorch convolutions take."""
    return torch.from_numpy(np.ascontiguousarray(x)).permute(0, 3, 1, 2).contiguous()


def example_input(cfg: Config, batch_size: int = 2) -> torch.Tensor:
    """A batch shaped like real input (used by the tests)."""
    generator = torch.Generator().manual_seed(0)
    return torch.rand(batch_size, cfg.channels, cfg.image_size, cfg.image_size, generator=generator)


def adapt(model: nn.Module, train_inputs: np.ndarray | None) -> None:
    """Start the decoder at the training images' mean pixel (the bias of its last layer, saved in the model):
    from 0 (grey), ReLU units die making the background dark and the shapes stay a dull grey. Image folders
    (train_inputs None: read while training) keep 0."""
    if train_inputs is None or not len(train_inputs):
        return
    with torch.no_grad():
        model.decoder[-1].bias.fill_(mean_logit(train_inputs))


def augment(images: torch.Tensor, cfg: Config, generator: torch.Generator) -> torch.Tensor:
    """None: a generative model learns whatever it is shown, so shifted or mirrored copies would be drawn too."""
    return images
{% endraw %}
{% include "pytorch/objectives/reconstruction.py" -%}
