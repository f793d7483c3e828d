"""The model: a small decoder-only Transformer over bytes (the same network as the PyTorch template): token
and learned position embeddings, pre-norm blocks of causal self-attention and a feed-forward layer, and a
dense head giving next-byte logits at every position; it comes compiled; widen it in configs/train.yaml.

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
from .sources import VOCAB_SIZE


@keras.saving.register_keras_serializable(package=__package__)
class PositionEmbedding(layers.Layer):
    """Adds a learned vector per position (the first `tokens` of max_len)."""

    def __init__(self, max_len: int, dim: int, **kwargs):
        super().__init__(**kwargs)
        self.max_len, self.dim = max_len, dim

    def build(self, input_shape):
        self.table = self.add_weight(
            shape=(self.max_len, self.dim), initializer=keras.initializers.RandomNormal(stddev=0.02)
        )

    def call(self, x):
        return x + ops.cast(self.table[None, : ops.shape(x)[1]], x.dtype)

    def compute_output_shape(self, input_shape):
        # Said, not traced: on the JAX backend a symbolic sequence axis (None) cannot size the slice above.
        return input_shape

    def get_config(self):
        return {**super().get_config(), "max_len": self.max_len, "dim": self.dim}


def _decoder_block(x, cfg: Config):
    """Pre-norm causal self-attention and feed-forward, each added back to its input (the residual path).

    Causal: position t attends to positions 0..t only, so the logits at t never see the byte they predict
    (and right-padding a prompt cannot change them). Dropout sits on the residual branches only, as in the
    PyTorch template.
    """
    attention = layers.MultiHeadAttention(cfg.num_heads, cfg.embed_dim // cfg.num_heads)
    h = layers.LayerNormalization(epsilon=1e-5)(x)
    x = layers.Add()([x, layers.Dropout(cfg.dropout)(attention(h, h, use_causal_mask=True))])
    h = layers.LayerNormalization(epsilon=1e-5)(x)
    h = layers.Dense(4 * cfg.embed_dim, activation="relu")(h)
    return layers.Add()([x, layers.Dropout(cfg.dropout)(layers.Dense(cfg.embed_dim)(h))])


def _network(cfg: Config) -> keras.Model:
    if cfg.embed_dim % cfg.num_heads:
        raise ValueError(f"embed_dim ({cfg.embed_dim}) must be a multiple of num_heads ({cfg.num_heads})")
    # Any number of tokens up to context: SavedModel and ONNX keep the sequence axis dynamic.
    inputs = keras.Input((None,), dtype="int32", name="tokens")
    small = keras.initializers.RandomNormal(stddev=0.02)  # as the PyTorch template
    x = layers.Embedding(VOCAB_SIZE, cfg.embed_dim, embeddings_initializer=small)(inputs)
    x = layers.Dropout(cfg.dropout)(PositionEmbedding(cfg.context, cfg.embed_dim)(x))
    for _ in range(cfg.num_layers):
        x = _decoder_block(x, cfg)
    # float32 logits keep the loss stable under mixed precision.
    outputs = layers.Dense(VOCAB_SIZE, dtype="float32", name="logits")(layers.LayerNormalization(epsilon=1e-5)(x))
    return keras.Model(inputs, outputs, name="byte_language_model")


def build_model(cfg: Config) -> keras.Model:
    """The network, compiled. Call it inside `strategy.scope()` when training distributed."""
    return compile_model(_network(cfg), cfg)


def example_input(cfg: Config, batch_size: int = 2) -> np.ndarray:
    """A batch shaped like real input (used by export and the tests): full windows of random bytes, int32."""
    return np.random.default_rng(0).integers(0, VOCAB_SIZE, (batch_size, cfg.context), dtype=np.int32)


def as_model_input(x: np.ndarray) -> np.ndarray:
    """Arrays from sources.py are already in the layout the network takes."""
    return x


def adapt(model: keras.Model, train_inputs: np.ndarray | None) -> None:
    """Nothing to fit: bytes need no vocabulary."""


def augment(inputs, cfg: Config):
    """No augmentation: a changed input byte would no longer match the target that follows it."""
    return inputs
{% endraw %}
{% include "tensorflow/objectives/language_model.py" -%}
