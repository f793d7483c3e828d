"""The model: a small Keras 3 convolutional variational autoencoder (the same network as the PyTorch template);
it comes compiled; widen it with base_filters and latent_dim in configs/train.yaml.

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
from .metrics import KL_WEIGHT, mean_logit


@keras.saving.register_keras_serializable(package=__package__)
class Sample(layers.Layer):
    """The code z: in training mean + exp(log_var / 2) * noise (a SeedGenerator: its state is saved with the
    checkpoints, so a resumed run draws the same noise); in inference the mean."""

    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        mean, log_var = inputs
        if not training:
            return mean
        noise = keras.random.normal(keras.ops.shape(mean), seed=self.seed_generator)
        return mean + keras.ops.exp(0.5 * log_var) * noise

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def _decoder(cfg: Config) -> keras.Sequential:
    """Codes -> one logit per pixel: a dense layer, then twice nearest-neighbour upsampling and a 3x3
    convolution (ReLU), and a 3x3 convolution."""
    bottom, width = cfg.image_size // 4, cfg.base_filters
    return keras.Sequential(
        [
            keras.Input((cfg.latent_dim,), name="latent"),
            layers.Dense(2 * width * bottom * bottom, activation="relu"),
            layers.Reshape((bottom, bottom, 2 * width)),
            layers.UpSampling2D(2, interpolation="nearest"),
            layers.Conv2D(width, 3, padding="same", activation="relu"),
            layers.UpSampling2D(2, interpolation="nearest"),
            # Keras' upsampling (a repeat) leaves the height unknown in the traced graph, and LiteRT cannot convert
            # a convolution of unknown height without TensorFlow (flex) ops: the reshape restores it.
            layers.Reshape((4 * bottom, 4 * bottom, width)),
            layers.Conv2D(width, 3, padding="same", activation="relu"),
            layers.Conv2D(cfg.channels, 3, padding="same", dtype="float32", name="logits"),
        ],
        name="decoder",
    )


def _network(cfg: Config) -> keras.Model:
    """Encoder: two stride-2 3x3 convolutions (ReLU; padded by 1 as in PyTorch) and two dense heads, the mean
    and log-variance of the code; the decoder. Outputs, per image, the reconstruction logits (flattened
    NHWC), the mean and the log-variance in one row: the loss and metrics.scores split them again."""
    inputs = keras.Input((cfg.image_size, cfg.image_size, cfg.channels), name="image")
    x = inputs
    for filters in (cfg.base_filters, 2 * cfg.base_filters):
        x = layers.ZeroPadding2D(1)(x)
        x = layers.Conv2D(filters, 3, strides=2, activation="relu")(x)
    x = layers.Flatten()(x)
    mean = layers.Dense(cfg.latent_dim, dtype="float32", name="mean")(x)
    log_var = layers.Dense(cfg.latent_dim, dtype="float32", name="log_var")(x)
    logits = _decoder(cfg)(Sample(seed=cfg.seed, name="sample")([mean, log_var]))
    outputs = layers.Concatenate(dtype="float32", name="outputs")([layers.Flatten()(logits), mean, log_var])
    return keras.Model(inputs, outputs, name="vae")


def build_model(cfg: Config) -> keras.Model:
    """The network, compiled. Call it inside `strategy.scope()` when training distributed."""
    return compile_model(_network(cfg), cfg)


def example_input(cfg: Config, batch_size: int = 2) -> np.ndarray:
    """A batch shaped like real input (used by the tests): NHWC float32 in [0, 1]."""
    rng = np.random.default_rng(0)
    return rng.random((batch_size, cfg.image_size, cfg.image_size, cfg.channels), dtype=np.float32)


def as_model_input(x: np.ndarray) -> np.ndarray:
    """Arrays from sources.py are already in the layout the network takes."""
    return x


def adapt(model: keras.Model, train_inputs: np.ndarray | None) -> None:
    """Start the decoder at the training images' mean pixel (the bias of its last layer, saved in the model):
    from 0 (grey), ReLU units die making the background dark and the shapes stay a dull grey. Image folders
    (train_inputs None: read while training) keep 0."""
    if train_inputs is None or not len(train_inputs):
        return
    last = model.get_layer("decoder").get_layer("logits")
    last.bias.assign(np.full(last.bias.shape, mean_logit(train_inputs), dtype="float32"))


def augment(images, cfg: Config):
    """None: a generative model learns whatever it is shown, so shifted or mirrored copies would be drawn too."""
    return images
{% endraw %}
{% include "tensorflow/objectives/reconstruction.py" -%}
