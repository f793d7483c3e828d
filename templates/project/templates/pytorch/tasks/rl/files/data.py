"""Rollout batches: the steps one iteration collected (environment.collect_rollout) as sources.Examples
(inputs: observations, labels: PPO's per-step targets), served as minibatches of batch_size steps. Each pass
serves every step once, in an order seeded by (seed, pass), so an update uses all of its experience and a
resumed run repeats the same passes.
"""
{% raw %}
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch

from . import environment, sources
from .config import Config
from .model import as_model_input


def rollout_examples(rollout: environment.Rollout, cfg: Config) -> sources.Examples:
    """A rollout's steps: observations, and (action, advantage, old log-probability, return) as labels."""
    return sources.Examples(rollout.observations, rollout.targets(), environment.spec(cfg.env_id).action_names)


class Batches:
    """(observations, targets) minibatches of a rollout's steps; call set_epoch(n) before each pass (n counts
    passes over the whole run, so every pass has its own order)."""

    def __init__(self, examples: sources.Examples, cfg: Config):
        self.examples, self.cfg = examples, cfg
        self.inputs = as_model_input(examples.inputs)
        self.targets = torch.from_numpy(np.asarray(examples.labels, dtype=np.float32))
        self.epoch = 0

    @classmethod
    def of(cls, rollout: environment.Rollout, cfg: Config) -> Batches:
        return cls(rollout_examples(rollout, cfg), cfg)

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return (len(self.examples) + self.cfg.batch_size - 1) // self.cfg.batch_size

    def order(self) -> torch.Tensor:
        return torch.from_numpy(environment.pass_order(self.cfg.seed, self.epoch, len(self.examples)))

    def __iter__(self):
        order, size = self.order(), self.cfg.batch_size
        yield from zip(self.inputs[order].split(size), self.targets[order].split(size), strict=True)


class Loaders(NamedTuple):
    cfg: Config
    train: Batches  # experience of the uniform random policy
    train_inputs: np.ndarray  # its observations (model.adapt standardises with their statistics)


def synthetic_examples(cfg: Config) -> sources.Examples:
    """The uniform random policy's experience (seeded by cfg.seed), as a rollout's examples."""
    return rollout_examples(environment.random_experience(cfg), cfg)


def sample_inputs(cfg: Config, observations: np.ndarray, limit: int) -> np.ndarray:
    """Up to `limit` observations spread evenly over `observations` (whole episodes, not just their starts):
    what export checks and calibrates on."""
    picks = np.unique(np.linspace(0, len(observations) - 1, num=min(limit, len(observations))).round().astype(int))
    return np.asarray(observations, dtype=np.float32)[picks]


def make_loaders(cfg: Config, split=None) -> Loaders:
    """Batches of random-policy experience: what model.adapt fits and what a training step can be tried on
    before any policy exists (the training loop collects its own rollouts; there is no data split)."""
    environment.check_config(cfg)
    examples = synthetic_examples(cfg)
    return Loaders(cfg, Batches(examples, cfg), examples.inputs)
{%- endraw %}
