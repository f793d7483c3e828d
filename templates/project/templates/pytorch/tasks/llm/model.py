"""The model: a small decoder-only Transformer over bytes (the same network as the Keras template): token and
learned position embeddings, pre-norm blocks of causal self-attention and a feed-forward layer, and a linear
head giving next-byte logits at every position; widen it in configs/train.yaml.

A task module owns what the training loop must not assume: the network, the input layout, an example
batch, input statistics fitted on the training split (adapt), training-time augmentation, and the loss.
"""
{% raw %}
from __future__ import annotations

from typing import ClassVar

import numpy as np
import torch
from torch import nn

from .config import Config
from .sources import VOCAB_SIZE


class DecoderBlock(nn.Module):
    """Pre-norm causal self-attention and feed-forward, each added back to its input (the residual path).

    Causal: position t attends to positions 0..t only, so the logits at t never see the byte they predict
    (and right-padding a prompt cannot change them). Dropout sits on the residual branches only, as in the
    text classifier: dropout on the attention weights made a CPU step several times slower.
    """

    def __init__(self, dim: int, heads: int, dropout: float):
        super().__init__()
        self.heads = heads
        self.attention_norm = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.projection = nn.Linear(dim, dim)
        self.feed_forward_norm = nn.LayerNorm(dim)
        self.feed_forward = nn.Sequential(nn.Linear(dim, 4 * dim), nn.ReLU(), nn.Linear(4 * dim, dim))
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, tokens, dim = x.shape
        qkv = self.qkv(self.attention_norm(x)).view(batch, tokens, 3, self.heads, dim // self.heads)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)  # each (batch, heads, tokens, head dim)
        attended = nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.dropout(self.projection(attended.transpose(1, 2).reshape(batch, tokens, dim)))
        return x + self.dropout(self.feed_forward(self.feed_forward_norm(x)))


class ByteLanguageModel(nn.Module):
    """Byte ids (batch, tokens) -> next-byte logits (batch, tokens, 256), for any tokens <= context.

    Pre-norm keeps a clean residual path, so small data sets train stably from scratch; the head is untied
    from the embedding (tying saves 16k weights here and would complicate the Keras twin).
    """

    # Axes besides the batch that exports keep dynamic, each up to the traced example's size (context).
    dynamic_axes: ClassVar[dict[int, str]] = {1: "sequence"}

    def __init__(self, cfg: Config):
        super().__init__()
        if cfg.embed_dim % cfg.num_heads:
            raise ValueError(f"embed_dim ({cfg.embed_dim}) must be a multiple of num_heads ({cfg.num_heads})")
        self.context = cfg.context
        self.embed = nn.Embedding(VOCAB_SIZE, cfg.embed_dim)
        self.position = nn.Parameter(torch.zeros(1, cfg.context, cfg.embed_dim))
        nn.init.normal_(self.embed.weight, std=0.02)
        nn.init.normal_(self.position, std=0.02)
        blocks = (DecoderBlock(cfg.embed_dim, cfg.num_heads, cfg.dropout) for _ in range(cfg.num_layers))
        self.blocks = nn.ModuleList(blocks)
        self.norm = nn.LayerNorm(cfg.embed_dim)
        self.dropout = nn.Dropout(cfg.dropout)
        self.head = nn.Linear(cfg.embed_dim, VOCAB_SIZE)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.dropout(self.embed(ids) + self.position[:, : ids.shape[1]])
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))


def build_model(cfg: Config) -> nn.Module:
    return ByteLanguageModel(cfg)


def as_model_input(x: np.ndarray) -> torch.Tensor:
    """Byte ids from sources.py (int32) -> the int64 tensor nn.Embedding takes."""
    return torch.from_numpy(np.ascontiguousarray(x)).long()


def example_input(cfg: Config, batch_size: int = 2) -> torch.Tensor:
    """A batch shaped like real input (used by export and the tests): full windows of random bytes."""
    return torch.randint(0, VOCAB_SIZE, (batch_size, cfg.context), generator=torch.Generator().manual_seed(0))


def adapt(model: nn.Module, train_inputs: np.ndarray | None) -> None:
    """Nothing to fit: bytes need no vocabulary."""


def augment(inputs: torch.Tensor, cfg: Config, generator: torch.Generator) -> torch.Tensor:
    """No augmentation: a changed input byte would no longer match the target that follows it."""
    return inputs
{% endraw %}
{% include "pytorch/objectives/language_model.py" -%}
