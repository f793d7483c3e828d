"""The model: small by default so it trains in seconds on a CPU; widen it in configs/train.yaml."""

from __future__ import annotations

import torch
from torch import nn

from .config import Config
{% if cookiecutter.task == "vision" %}

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
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout), nn.Linear(2 * width, num_classes))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(images))


def build_model(cfg: Config) -> nn.Module:
    return SmallCNN(cfg.channels, cfg.num_classes, cfg.base_filters, cfg.dropout)


def example_input(cfg: Config, batch_size: int = 2) -> torch.Tensor:
    """A batch shaped like real input (used by export and the tests)."""
    return torch.rand(batch_size, cfg.channels, cfg.image_size, cfg.image_size)
{%- elif cookiecutter.task == "nlp" %}

class TextClassifier(nn.Module):
    """Token embeddings + a small Transformer encoder, mean-pooled over the non-padding tokens."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.embed = nn.Embedding(cfg.vocab_size, cfg.embed_dim, padding_idx=0)
        self.position = nn.Parameter(torch.zeros(1, cfg.max_len, cfg.embed_dim))
        layer = nn.TransformerEncoderLayer(
            cfg.embed_dim, cfg.num_heads, dim_feedforward=2 * cfg.embed_dim, dropout=cfg.dropout, batch_first=True
        )
        # Nested tensors only speed up inference on long padded batches and complicate export.
        self.encoder = nn.TransformerEncoder(layer, cfg.num_layers, enable_nested_tensor=False)
        self.head = nn.Linear(cfg.embed_dim, cfg.num_classes)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        padding = ids == 0
        hidden = self.encoder(self.embed(ids) + self.position[:, : ids.shape[1]], src_key_padding_mask=padding)
        keep = (~padding).unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled)


def build_model(cfg: Config) -> nn.Module:
    return TextClassifier(cfg)


def example_input(cfg: Config, batch_size: int = 2) -> torch.Tensor:
    """A batch shaped like real input (used by export and the tests): ids with trailing padding."""
    ids = torch.randint(1, cfg.vocab_size, (batch_size, cfg.max_len), generator=torch.Generator().manual_seed(0))
    ids[0, cfg.max_len // 2 :] = 0
    return ids
{%- else %}

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


def example_input(cfg: Config, batch_size: int = 2) -> torch.Tensor:
    """A batch shaped like real input (used by export and the tests)."""
    return torch.randn(batch_size, cfg.num_features)
{%- endif %}
