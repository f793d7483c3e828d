"""The model: a small Keras 3 CNN for image classification; it outputs logits and comes compiled.

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
    inputs = keras.Input((cfg.image_size, cfg.image_size, cfg.channels), name="image")
    x = inputs
    for filters in (cfg.base_filters, 2 * cfg.base_filters):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.MaxPooling2D()(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(cfg.dropout)(x)
    # float32 logits keep the loss stable under mixed precision.
    outputs = layers.Dense(cfg.num_classes, dtype="float32", name="logits")(x)
    return keras.Model(inputs, outputs, name="small_cnn")


def build_model(cfg: Config) -> keras.Model:
    """The network, compiled. Call it inside `strategy.scope()` when training distributed."""
    return compile_model(_network(cfg), cfg)


def example_input(cfg: Config, batch_size: int = 2) -> np.ndarray:
    """A batch shaped like real input (used by export and the tests): NHWC float32 in [0, 1]."""
    rng = np.random.default_rng(0)
    return rng.random((batch_size, cfg.image_size, cfg.image_size, cfg.channels), dtype=np.float32)
{% endraw %}
{% include "tensorflow/objectives/classification.py" -%}
