"""Test setup: `pytest -m smoke` runs from the project root without installing it (pyproject.toml puts
src/ on sys.path), with TensorFlow's C++ logs silenced, a tiny CPU configuration as a fixture, and one
short training run shared by the tests that inspect a run's outputs.

The configuration keeps configs/train.yaml's optimisation settings (learning rate, schedule, clipping, PPO's
coefficients): the smoke tests check the training you will run, on shorter rollouts.
"""
{% raw %}
import dataclasses
import os
from pathlib import Path

import pytest
{% endraw %}
from {{ cookiecutter.package }}.config import load_config
{% raw %}
# Before anything imports TensorFlow: silence its C++ logs and keep CPU numerics reproducible.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

ROOT = Path(__file__).resolve().parent
TRAINED_ITERATIONS = 6  # enough for the policy to beat a random one clearly (tests/test_learning.py)


def tiny_config(output_dir: Path):
    """configs/train.yaml on the CPU with short rollouts: an iteration takes well under a second."""
    return load_config(
        ROOT / "configs" / "train.yaml",
        device="cpu",
        data_dir=None,
        epochs=1,
        batch_size=16,
        mixed_precision=False,
        output_dir=str(output_dir),
{%- endraw %}
{% include "common/tasks/rl/conftest_sizes.py" -%}
{% raw %}    )


@pytest.fixture
def cpu_config(tmp_path):
    """A tiny configuration that trains an iteration in about a second on a laptop CPU."""
    return tiny_config(tmp_path / "run")


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory):
    """(config, TrainResult) of one short run with the configured optimiser: enough iterations for the
    policy to beat a random one clearly."""
{%- endraw %}
    from {{ cookiecutter.package }}.train import train
{% raw %}
    cfg = dataclasses.replace(
        tiny_config(tmp_path_factory.mktemp("trained") / "run"), epochs=TRAINED_ITERATIONS, rollout_steps=1024
    )
    return cfg, train(cfg)
{%- endraw %}
