"""Framework-neutral experience. The rl starter has no data set: the agent collects its own experience from
its environment (environment.py, env_id in the config). synthetic_arrays is what the other starters' step
tests train on, here the experience of a uniform random policy in a training batch's layout; Examples holds
a rollout's steps (inputs: observations, labels: PPO's per-step targets) for data.Batches.
"""
{% raw %}
from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path

import numpy as np

from . import environment


def synthetic_arrays(cfg) -> tuple[np.ndarray, np.ndarray]:
    """(observations float32 (steps, observation_size), targets float32 (steps, 4)) of a seeded rollout of
    the uniform random policy: the inputs and targets of a PPO minibatch (environment.Rollout.targets)."""
    rollout = environment.random_experience(cfg)
    return rollout.observations, rollout.targets()

{% endraw %}
{%- include "common/sources_base.py" %}
