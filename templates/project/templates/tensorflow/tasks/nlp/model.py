"""The model: a small pre-norm Transformer encoder over hashed words, mean-pooled over the real tokens
(the same network as the PyTorch template); it outputs logits and comes compiled; widen it in
configs/train.yaml.

A task module owns what the training loop must not assume: the network, an example batch, input
statistics fitted on the training split (adapt), training-time augmentation, the loss and the optimizer.
"""
{% raw %}
from __future__ import annotations

import math

import keras
import numpy as np
from keras import layers, ops

from .config import Config


@keras.saving.register_keras_serializable(package=__package__)
class TokenMask(layers.Layer):
    """True where there is a token; the first position always counts, so an empty text still has one."""

    def call(self, ids):
        return ops.logical_or(ops.not_equal(ids, 0), ops.arange(ops.shape(ids)[1])[None, :] == 0)


@keras.saving.register_keras_serializable(package=__package__)
class PositionEmbedding(layers.Layer):
    """Adds a learned vector per position."""

    def __init__(self, max_len: int, dim: int, **kwargs):
        super().__init__(**kwargs)
        self.max_len, self.dim = max_len, dim

    def build(self, input_shape):
        self.table = self.add_weight(
            shape=(self.max_len, self.dim), initializer=keras.initializers.RandomNormal(stddev=0.02)
        )

    def call(self, x):
        return x + ops.cast(self.table[None, : ops.shape(x)[1]], x.dtype)

    def get_config(self):
        return {**super().get_config(), "max_len": self.max_len, "dim": self.dim}


@keras.saving.register_keras_serializable(package=__package__)
class MaskedMean(layers.Layer):
    """Mean over the positions where mask is true."""

    def call(self, x, mask):
        keep = ops.cast(mask, x.dtype)[..., None]
        return ops.sum(x * keep, axis=1) / ops.sum(keep, axis=1)


def _encoder_block(x, attention_mask, cfg: Config):
    """Pre-norm self-attention and feed-forward, each added back to its input (the residual path).

    Dropout sits on the residual branches only, as in the PyTorch template: dropout on the attention
    weights made a CPU step several times slower for no better accuracy.
    """
    attention = layers.MultiHeadAttention(cfg.num_heads, cfg.embed_dim // cfg.num_heads)
    h = layers.LayerNormalization(epsilon=1e-5)(x)
    x = layers.Add()([x, layers.Dropout(cfg.dropout)(attention(h, h, attention_mask=attention_mask))])
    h = layers.LayerNormalization(epsilon=1e-5)(x)
    h = layers.Dense(cfg.embed_dim)(layers.Dense(2 * cfg.embed_dim, activation="relu")(h))
    return layers.Add()([x, layers.Dropout(cfg.dropout)(h)])


def _network(cfg: Config) -> keras.Model:
    inputs = keras.Input((cfg.max_len,), dtype="int32", name="tokens")
    mask = TokenMask()(inputs)
    # Every token attends to the real tokens only (as in the PyTorch template).
    attention_mask = ops.logical_and(mask[:, None, :], ops.ones_like(mask)[:, :, None])
    small = keras.initializers.RandomNormal(stddev=0.02)  # as the PyTorch template
    embed = layers.Embedding(cfg.vocab_size, cfg.embed_dim, embeddings_initializer=small)
    x = PositionEmbedding(cfg.max_len, cfg.embed_dim)(embed(inputs))
    for _ in range(cfg.num_layers):
        x = _encoder_block(x, attention_mask, cfg)
    x = MaskedMean()(layers.LayerNormalization(epsilon=1e-5)(x), mask)
    # float32 logits keep the loss stable under mixed precision.
    outputs = layers.Dense(cfg.num_classes, dtype="float32", name="logits")(layers.Dropout(cfg.dropout)(x))
    return keras.Model(inputs, outputs, name="small_transformer")


def build_model(cfg: Config) -> keras.Model:
    """The network, compiled. Call it inside `strategy.scope()` when training distributed."""
    return compile_model(_network(cfg), cfg)


def example_input(cfg: Config, batch_size: int = 2) -> np.ndarray:
    """A batch shaped like real input (used by export and the tests): int32 ids with trailing padding."""
    ids = np.random.default_rng(0).integers(1, cfg.vocab_size, (batch_size, cfg.max_len), dtype=np.int32)
    ids[0, cfg.max_len // 2 :] = 0
    return ids


def as_model_input(x: np.ndarray) -> np.ndarray:
    """Arrays from sources.py are already in the layout the network takes."""
    return x


def adapt(model: keras.Model, train_inputs: np.ndarray | None) -> None:
    """Nothing to fit: words are hashed, so there is no vocabulary to build."""


def augment(inputs, cfg: Config):
    """No augmentation for text."""
    return inputs
{% endraw %}
{% include "tensorflow/objectives/classification.py" -%}
