"""The model: a small Keras 3 keyword-spotting CNN over log-mel spectrograms (the same network as the PyTorch
template), tens of thousands of weights, so its int8 export fits a microcontroller; it outputs logits and
comes compiled; widen it with base_filters in configs/train.yaml.

The network takes log-mel features, not waveforms: sources.py computes them (the front end), so every export
holds the network alone and a device feeds it the features its own front end computes.

A task module owns what the training loop must not assume: the network, an example batch, input
statistics fitted on the training split (adapt), training-time augmentation, the loss and the optimizer.
"""
{% raw %}
from __future__ import annotations

import functools
import math

import keras
import numpy as np
from keras import layers

from .config import Config
from .sources import LOG_OFFSET, FrontEnd


def _block(x, filters: int):
    x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
    # momentum 0.9 (PyTorch: 0.1) and PyTorch's epsilon: Keras' default 0.99 leaves the moving statistics
    # far behind after the few dozen steps of a small data set, and validation then predicts one class.
    x = layers.BatchNormalization(momentum=0.9, epsilon=1e-5)(x)
    return layers.MaxPooling2D()(layers.Activation("relu")(x))


def _network(cfg: Config) -> keras.Model:
    """Three blocks of a 3x3 convolution (batch norm, ReLU) and 2x2 max pooling over (time, mel), global
    average pooling, dropout and a linear head: ops every int8 runtime has, down to TFLite Micro."""
    fe = FrontEnd.from_config(cfg)
    inputs = keras.Input((fe.frames, fe.num_mels, 1), name="log_mel")
    x = inputs
    for filters in (cfg.base_filters, 2 * cfg.base_filters, 4 * cfg.base_filters):
        x = _block(x, filters)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(cfg.dropout)(x)
    # float32 logits keep the loss stable under mixed precision.
    outputs = layers.Dense(cfg.num_classes, dtype="float32", name="logits")(x)
    return keras.Model(inputs, outputs, name="keyword_cnn")


def build_model(cfg: Config) -> keras.Model:
    """The network, compiled. Call it inside `strategy.scope()` when training distributed."""
    return compile_model(_network(cfg), cfg)


def example_input(cfg: Config, batch_size: int = 2) -> np.ndarray:
    """A batch shaped like real input (used by export and the tests): log-mel values from silence up,
    (batch, frames, mels, 1) float32."""
    fe = FrontEnd.from_config(cfg)
    low = float(np.log(LOG_OFFSET))
    rng = np.random.default_rng(0)
    return (low + (8.0 - low) * rng.random((batch_size, fe.frames, fe.num_mels, 1))).astype(np.float32)


def as_model_input(x: np.ndarray) -> np.ndarray:
    """Log-mel features from sources.py are already in the layout the network takes."""
    return x


def adapt(model: keras.Model, train_inputs: np.ndarray | None) -> None:
    """Nothing to fit: batch norm after the first convolution scales the log-mel values."""


@functools.cache
def _augmenter(cfg: Config) -> layers.RandomTranslation:
    # Whole frames (nearest), the edge frames repeated: the same shift as the PyTorch template.
    return layers.RandomTranslation(
        1 / 8, 0.0, fill_mode="nearest", interpolation="nearest", seed=cfg.seed
    )


def augment(features, cfg: Config):
    """Training batches only (cfg.augment): each clip shifted in time by up to 1/8 of its frames, the edge
    frames repeated (a keyword is the same keyword a little earlier or later)."""
    return _augmenter(cfg)(features, training=True) if cfg.augment else features
{% endraw %}
{% include "tensorflow/objectives/classification.py" -%}
