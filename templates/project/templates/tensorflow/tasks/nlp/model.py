"""The model: a small Keras 3 transformer encoder for text classification; it outputs logits and comes
compiled.

A task module owns what the training loop must not assume: the network, an example batch, the loss and
the metrics.
"""
{% raw %}
from __future__ import annotations

import keras
import numpy as np
from keras import layers

from .config import Config


@keras.saving.register_keras_serializable(package=__package__)
class PositionEmbedding(layers.Layer):
    """Adds a learned vector per position and passes the padding mask on."""

    def __init__(self, max_len: int, dim: int, **kwargs):
        super().__init__(**kwargs)
        self.max_len, self.dim = max_len, dim
        self.supports_masking = True

    def build(self, input_shape):
        self.table = self.add_weight(shape=(self.max_len, self.dim), initializer="random_normal")

    def call(self, x):
        return x + self.table[None, : keras.ops.shape(x)[1]]

    def get_config(self):
        return {**super().get_config(), "max_len": self.max_len, "dim": self.dim}


def _encoder_block(x, cfg: Config):
    # Keras carries the padding mask from the Embedding, so attention and pooling skip padding.
    attention = layers.MultiHeadAttention(cfg.num_heads, cfg.embed_dim // cfg.num_heads, dropout=cfg.dropout)
    x = layers.LayerNormalization()(layers.Add()([x, attention(x, x)]))
    ffn = layers.Dense(2 * cfg.embed_dim, activation="relu")(x)
    ffn = layers.Dropout(cfg.dropout)(layers.Dense(cfg.embed_dim)(ffn))
    return layers.LayerNormalization()(layers.Add()([x, ffn]))


def _network(cfg: Config) -> keras.Model:
    inputs = keras.Input((cfg.max_len,), dtype="int32", name="tokens")
    x = layers.Embedding(cfg.vocab_size, cfg.embed_dim, mask_zero=True)(inputs)  # id 0 is padding
    x = PositionEmbedding(cfg.max_len, cfg.embed_dim)(x)
    for _ in range(cfg.num_layers):
        x = _encoder_block(x, cfg)
    x = layers.GlobalAveragePooling1D()(x)
    # float32 logits keep the loss stable under mixed precision.
    outputs = layers.Dense(cfg.num_classes, dtype="float32", name="logits")(x)
    return keras.Model(inputs, outputs, name="small_transformer")


def build_model(cfg: Config) -> keras.Model:
    """The network, compiled. Call it inside `strategy.scope()` when training distributed."""
    return compile_model(_network(cfg), cfg)


def example_input(cfg: Config, batch_size: int = 2) -> np.ndarray:
    """A batch shaped like real input (used by export and the tests): int32 ids with trailing padding."""
    ids = np.random.default_rng(0).integers(1, cfg.vocab_size, (batch_size, cfg.max_len), dtype=np.int32)
    ids[0, cfg.max_len // 2 :] = 0
    return ids
{% endraw %}
{% include "tensorflow/objectives/classification.py" -%}
