"""The model: a small pre-norm Transformer encoder over hashed words, mean-pooled over the real tokens
(the same network as the Keras template); widen it in configs/train.yaml.

A task module owns what the training loop must not assume: the network, the input layout, an example
batch, input statistics fitted on the training split (adapt), training-time augmentation, and the loss.
"""
{% raw %}
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .config import Config


class EncoderBlock(nn.Module):
    """Pre-norm self-attention and feed-forward, each added back to its input (the residual path).

    Dropout sits on the residual branches only: dropout on the attention weights (batch x heads x
    tokens x tokens random numbers per step) made a CPU step several times slower for no better accuracy.
    """

    def __init__(self, dim: int, heads: int, dropout: float):
        super().__init__()
        self.heads = heads
        self.attention_norm = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.projection = nn.Linear(dim, dim)
        self.feed_forward_norm = nn.LayerNorm(dim)
        self.feed_forward = nn.Sequential(nn.Linear(dim, 2 * dim), nn.ReLU(), nn.Linear(2 * dim, dim))
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        batch, tokens, dim = x.shape
        qkv = self.qkv(self.attention_norm(x)).view(batch, tokens, 3, self.heads, dim // self.heads)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)  # each (batch, heads, tokens, head dim)
        # keep (batch, tokens): every token attends to the real tokens only.
        attended = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=keep[:, None, None, :])
        x = x + self.dropout(self.projection(attended.transpose(1, 2).reshape(batch, tokens, dim)))
        return x + self.dropout(self.feed_forward(self.feed_forward_norm(x)))


class TextClassifier(nn.Module):
    """Token + position embeddings, pre-norm encoder blocks, a final LayerNorm, mean pooling over the real
    tokens and a linear head. Pre-norm keeps a clean residual path, so small data sets train stably from
    scratch."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.embed = nn.Embedding(cfg.vocab_size, cfg.embed_dim, padding_idx=0)
        self.position = nn.Parameter(torch.zeros(1, cfg.max_len, cfg.embed_dim))
        nn.init.normal_(self.embed.weight, std=0.02)
        nn.init.normal_(self.position, std=0.02)
        blocks = (EncoderBlock(cfg.embed_dim, cfg.num_heads, cfg.dropout) for _ in range(cfg.num_layers))
        self.blocks = nn.ModuleList(blocks)
        self.norm = nn.LayerNorm(cfg.embed_dim)
        self.dropout = nn.Dropout(cfg.dropout)
        self.head = nn.Linear(cfg.embed_dim, cfg.num_classes)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        # The first position always counts, so a text without words still has one token to attend to.
        keep = (ids != 0) | (torch.arange(ids.shape[1], device=ids.device) == 0)
        x = self.embed(ids) + self.position[:, : ids.shape[1]]
        for block in self.blocks:
            x = block(x, keep)
        weights = keep.unsqueeze(-1).to(x.dtype)
        pooled = (self.norm(x) * weights).sum(1) / weights.sum(1)
        return self.head(self.dropout(pooled))


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


def adapt(model: nn.Module, train_inputs: np.ndarray | None) -> None:
    """Nothing to fit: words are hashed, so there is no vocabulary to build."""


def augment(inputs: torch.Tensor, cfg: Config, generator: torch.Generator) -> torch.Tensor:
    """No augmentation for text."""
    return inputs
{% endraw %}
{% include "pytorch/objectives/classification.py" -%}
