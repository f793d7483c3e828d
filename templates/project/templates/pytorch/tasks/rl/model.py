"""The agent: an actor-critic pair of small MLPs (the same network as the Keras template) over standardised
observations. The policy maps observations to action logits (what ships); the value network estimates the
return, for PPO's advantages. Widen both with hidden_dim in configs/train.yaml.

A task module owns what the training loop must not assume: the network, the input layout, an example
batch, input statistics (adapt), augmentation, and the loss.
"""
{% raw %}
from __future__ import annotations

import itertools
import math

import numpy as np
import torch
from torch import nn

from . import environment
from .config import Config


class Standardize(nn.Module):
    """(x - mean) / std per observation component, with statistics saved in the model's state, so
    checkpoints and exports take raw observations."""

    def __init__(self, size: int):
        super().__init__()
        self.register_buffer("mean", torch.zeros(size))
        self.register_buffer("std", torch.ones(size))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std


def _mlp(sizes: list[int], last_gain: float) -> list[nn.Module]:
    """Linear layers with tanh between them; orthogonal weights (gain sqrt(2), the last one last_gain) and
    zero biases, PPO's usual start: a near-uniform policy and a near-zero value."""
    layers: list[nn.Module] = []
    for i, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
        linear = nn.Linear(fan_in, fan_out)
        last = i == len(sizes) - 2
        nn.init.orthogonal_(linear.weight, last_gain if last else math.sqrt(2))
        nn.init.zeros_(linear.bias)
        layers += [linear] if last else [linear, nn.Tanh()]
    return layers


class ActorCritic(nn.Module):
    """policy: observations -> action logits; value: observations -> expected return. forward gives both,
    side by side: (n, actions + 1), the layout loss_fn reads."""

    def __init__(self, observation_size: int, actions: int, hidden: int):
        super().__init__()
        sizes = [observation_size, hidden, hidden]
        self.policy = nn.Sequential(Standardize(observation_size), *_mlp([*sizes, actions], 0.01))
        self.value = nn.Sequential(Standardize(observation_size), *_mlp([*sizes, 1], 1.0))

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.policy(observations), self.value(observations)], dim=1)


def build_model(cfg: Config) -> nn.Module:
    """Two tanh MLPs of width hidden_dim, sized to cfg.env_id's observations and actions."""
    spec = environment.spec(cfg.env_id)
    return ActorCritic(spec.observation_size, spec.actions, cfg.hidden_dim)


def as_model_input(x: np.ndarray) -> torch.Tensor:
    """Observations (float32 (n, observation_size), environment.observation_batch) -> a tensor."""
    return torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))


def example_input(cfg: Config, batch_size: int = 2) -> torch.Tensor:
    """A batch of real observations: the first ones of seeded episodes (used by export and the tests)."""
    envs = environment.make_envs(cfg.env_id, 1)
    seeds = environment.episode_seeds(cfg.seed, "val", 0, batch_size)
    return as_model_input(environment.observation_batch([envs[0].reset(seed=s)[0] for s in seeds]))


def adapt(model: nn.Module, train_inputs: np.ndarray | None) -> None:
    """Standardise observations with the statistics of a random-policy rollout (train.py passes them), so
    components of very different scales (positions, velocities) start on an equal footing."""
    if train_inputs is None or len(train_inputs) == 0:
        return
    x = np.asarray(train_inputs, dtype=np.float64)
    for standardize in (model.policy[0], model.value[0]):
        standardize.mean.copy_(torch.from_numpy(x.mean(axis=0)).float())
        # A component that never moved has std 0: a tiny divisor keeps it at 0 after centring.
        standardize.std.copy_(torch.from_numpy(np.maximum(x.std(axis=0), 1e-7)).float())


def small_network_threads() -> None:
    """One CPU thread for this process: rollouts run the network thousands of times on a handful of
    observations, and a thread pool handing each tiny product around is many times slower (30x on a busy
    2-core machine). Called by training on the CPU, evaluation and export."""
    torch.set_num_threads(1)


def augment(inputs: torch.Tensor, cfg: Config, generator: torch.Generator) -> torch.Tensor:
    """No augmentation: observations are the environment's own."""
    return inputs
{% endraw %}
{% include "pytorch/objectives/reinforcement.py" -%}
