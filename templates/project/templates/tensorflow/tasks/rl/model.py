"""The agent: an actor-critic pair of small MLPs (the same network as the PyTorch template) over standardised
observations. The policy maps observations to action logits (what ships); the value network estimates the
return, for PPO's advantages. It comes compiled; widen both with hidden_dim in configs/train.yaml.

A task module owns what the training loop must not assume: the network, an example batch, input statistics
(adapt), augmentation, the loss and the optimizer.
"""
{% raw %}
from __future__ import annotations

import math

import keras
import numpy as np
from keras import layers

from . import environment
from .config import Config


def _mlp(x, hidden: int, outputs: int, last_gain: float, prefix: str, name: str):
    """Two tanh layers, then a linear one; orthogonal weights (gain sqrt(2), the last one last_gain) and zero
    biases, PPO's usual start: a near-uniform policy and a near-zero value."""
    for i in range(2):
        x = layers.Dense(hidden, activation="tanh", kernel_initializer=keras.initializers.Orthogonal(math.sqrt(2)),
                         name=f"{prefix}_{i}")(x)  # fmt: skip
    # float32 outputs keep the loss stable under mixed precision.
    return layers.Dense(outputs, kernel_initializer=keras.initializers.Orthogonal(last_gain), dtype="float32",
                        name=name)(x)  # fmt: skip


def _network(cfg: Config) -> keras.Model:
    spec = environment.spec(cfg.env_id)
    observations = keras.Input((spec.observation_size,), name="observations")
    # The standardisation statistics live in the model (see adapt), so checkpoints and exports take raw
    # observations.
    x = layers.Normalization(name="standardize")(observations)
    logits = _mlp(x, cfg.hidden_dim, spec.actions, 0.01, "policy", "logits")
    value = _mlp(x, cfg.hidden_dim, 1, 1.0, "value", "value")
    # (n, actions + 1): the layout loss_fn reads; exported() keeps the logits.
    outputs = layers.Concatenate(name="logits_and_value", dtype="float32")([logits, value])
    return keras.Model(observations, outputs, name="actor_critic")


def build_model(cfg: Config) -> keras.Model:
    """The network, sized to cfg.env_id's observations and actions, compiled."""
    return compile_model(_network(cfg), cfg)


def example_input(cfg: Config, batch_size: int = 2) -> np.ndarray:
    """A batch of real observations: the first ones of seeded episodes (used by export and the tests)."""
    envs = environment.make_envs(cfg.env_id, 1)
    seeds = environment.episode_seeds(cfg.seed, "val", 0, batch_size)
    return environment.observation_batch([envs[0].reset(seed=s)[0] for s in seeds])


def as_model_input(x: np.ndarray) -> np.ndarray:
    """Observations (float32 (n, observation_size), environment.observation_batch) are the network's layout."""
    return np.asarray(x, dtype=np.float32)


def adapt(model: keras.Model, train_inputs: np.ndarray | None) -> None:
    """Standardise observations with the statistics of a random-policy rollout (train.py passes them), so
    components of very different scales (positions, velocities) start on an equal footing."""
    layer = model.get_layer("standardize")
    if train_inputs is None or len(train_inputs) == 0:
        return
    x = np.asarray(train_inputs, dtype=np.float64)
    # Set directly rather than layer.adapt(): the same statistics as the PyTorch template, in float64.
    layer.adapt_mean.assign(x.mean(axis=0).astype(np.float32))
    layer.adapt_variance.assign(x.var(axis=0).astype(np.float32))
    layer.finalize_state()


def augment(inputs, cfg: Config):
    """No augmentation: observations are the environment's own."""
    return inputs


def small_network_threads() -> None:
    """The PyTorch template's one-thread setting for tiny networks; TensorFlow fixes its thread pools when it
    starts, and its tf.function forward passes do not suffer the same way: nothing to do."""
{% endraw %}
{% include "tensorflow/objectives/reinforcement.py" -%}
