"""The model: a small Transformer text classifier, so it trains in seconds on a CPU; widen it in
configs/train.yaml.

A task module owns what the training loop must not assume: the network, the input layout, an example
batch, the loss and the metrics.
"""
{% raw %}
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .config import Config


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


def as_model_input(x: np.ndarray) -> torch.Tensor:
    """Token ids from sources.py (int32) -> the int64 tensor nn.Embedding takes."""
    return torch.from_numpy(np.ascontiguousarray(x)).long()


def example_input(cfg: Config, batch_size: int = 2) -> torch.Tensor:
    """A batch shaped like real input (used by export and the tests): ids with trailing padding."""
    ids = torch.randint(1, cfg.vocab_size, (batch_size, cfg.max_len), generator=torch.Generator().manual_seed(0))
    ids[0, cfg.max_len // 2 :] = 0
    return ids
{% endraw %}
{% include "pytorch/objectives/classification.py" -%}
