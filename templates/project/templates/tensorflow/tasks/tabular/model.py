"""The model: feature standardisation fitted on the training split, then a small MLP (the same network as
the PyTorch template); it outputs logits and comes compiled; widen it with hidden_dim in configs/train.yaml.

A task module owns what the training loop must not assume: the network, an example batch, input
statistics fitted on the training split (adapt), training-time augmentation, the loss and the optimizer.
"""
{% raw %}
from __future__ import annotations

import math

import keras
import numpy as np
from keras import layers

from .config import Config


def _network(cfg: Config) -> keras.Model:
    inputs = keras.Input((cfg.num_features,), name="features")
    # The training split's mean and variance live in the model (see adapt), so checkpoints and exports
    # take raw feature values.
    x = layers.Normalization(name="standardize")(inputs)
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


def as_model_input(x: np.ndarray) -> np.ndarray:
    """Arrays from sources.py are already in the layout the network takes."""
    return x


def adapt(model: keras.Model, train_inputs: np.ndarray | None) -> None:
    """Fit the standardisation to the training split (never validation or test: that would leak)."""
    layer = model.get_layer("standardize")
    if train_inputs is None or len(train_inputs) == 0:
        return
    x = np.asarray(train_inputs, dtype=np.float64)
    # Set directly rather than layer.adapt(): the same statistics as the PyTorch template, in float64.
    layer.adapt_mean.assign(x.mean(axis=0).astype(np.float32))
    layer.adapt_variance.assign(x.var(axis=0).astype(np.float32))
    layer.finalize_state()


def augment(inputs, cfg: Config):
    """No augmentation for tables."""
    return inputs
{% endraw %}
{% include "tensorflow/objectives/classification.py" -%}
