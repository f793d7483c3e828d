"""The model: a small Keras 3 MLP for tabular classification; it outputs logits and comes compiled.

A task module owns what the training loop must not assume: the network, an example batch, the loss and
the metrics.
"""
{% raw %}
from __future__ import annotations

import keras
import numpy as np
from keras import layers

from .config import Config


def _network(cfg: Config) -> keras.Model:
    # Features are used as given: standardise wide-ranging columns first, or add a
    # keras.layers.Normalization layer adapted on the training split.
    inputs = keras.Input((cfg.num_features,), name="features")
    x = inputs
    for _ in range(2):
        x = layers.Dense(cfg.hidden_dim, activation="relu")(x)
        x = layers.Dropout(cfg.dropout)(x)
    # float32 logits keep the loss stable under mixed precision.
    outputs = layers.Dense(cfg.num_classes, dtype="float32", name="logits")(x)
    return keras.Model(inputs, outputs, name="mlp")


def build_model(cfg: Config) -> keras.Model:
    """The network, compiled. Call it inside `strategy.scope()` when training distributed."""
    return compile_model(_network(cfg), cfg)


def example_input(cfg: Config, batch_size: int = 2) -> np.ndarray:
    """A batch shaped like real input (used by export and the tests): float32 feature rows."""
    return np.random.default_rng(0).standard_normal((batch_size, cfg.num_features), dtype=np.float32)
{% endraw %}
{% include "tensorflow/objectives/classification.py" -%}
