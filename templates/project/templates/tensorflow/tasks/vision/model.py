"""The model: a small Keras 3 CNN with batch normalisation (the same network as the PyTorch template); it
outputs logits and comes compiled; widen it with base_filters in configs/train.yaml.

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


def _conv(x, filters: int):
    x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
    # momentum 0.9 (PyTorch: 0.1) and PyTorch's epsilon: Keras' default 0.99 leaves the moving statistics
    # far behind after the few dozen steps of a small data set, and validation then predicts one class.
    x = layers.BatchNormalization(momentum=0.9, epsilon=1e-5)(x)
    return layers.Activation("relu")(x)


def _network(cfg: Config) -> keras.Model:
    inputs = keras.Input((cfg.image_size, cfg.image_size, cfg.channels), name="image")
    x = inputs
    for filters in (cfg.base_filters, 2 * cfg.base_filters, 4 * cfg.base_filters):
        x = layers.MaxPooling2D()(_conv(_conv(x, filters), filters))
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


def as_model_input(x: np.ndarray) -> np.ndarray:
    """Arrays from sources.py are already in the layout the network takes."""
    return x


def adapt(model: keras.Model, train_inputs: np.ndarray | None) -> None:
    """Nothing to fit: pixels are in [0, 1] and batch norm scales the features."""


@functools.cache
def _augmenter(cfg: Config) -> tuple[layers.Layer, ...]:
    shift = 1 / 8
    steps = [layers.RandomTranslation(shift, shift, fill_mode="reflect", seed=cfg.seed)]
    if cfg.horizontal_flip:
        steps.append(layers.RandomFlip("horizontal", seed=cfg.seed))
    return tuple(steps)


def augment(images, cfg: Config):
    """Training batches only (cfg.augment): a random shift of up to 1/8 of the size, edges mirrored, and a
    horizontal flip when cfg.horizontal_flip (mirror images must be the same class).

    Layer by layer, not through a keras.Sequential: each preprocessing layer runs as TensorFlow inside tf.data
    whatever Keras' backend (KERAS_BACKEND=jax too), a Sequential would run on the backend's ops."""
    if not cfg.augment:
        return images
    for layer in _augmenter(cfg):
        images = layer(images, training=True)
    return images
{% endraw %}
{% include "tensorflow/objectives/classification.py" -%}
