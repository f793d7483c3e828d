"""Test setup: `pytest -m smoke` runs from the project root without installing it (pyproject.toml puts
src/ on sys.path), with TensorFlow's C++ logs silenced, a tiny CPU configuration as a fixture, and one
short training run shared by the tests that inspect a run's outputs.

The configuration keeps configs/train.yaml's optimisation settings (learning rate, schedule, clipping):
the smoke tests check the training you will run, only smaller.
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


def tiny_config(output_dir: Path):
    """configs/train.yaml on the CPU with small sizes: trains in seconds."""
    return load_config(
        ROOT / "configs" / "train.yaml",
        device="cpu",
        data_dir=None,
        epochs=1,
        batch_size=16,
        num_samples=64,
        mixed_precision=False,
        output_dir=str(output_dir),
{%- endraw %}
{% include "common/tasks/" ~ cookiecutter.task ~ "/conftest_sizes.py" -%}
{% raw %}    )


@pytest.fixture
def cpu_config(tmp_path):
    """A tiny configuration that trains in about a second on a laptop CPU."""
    return tiny_config(tmp_path / "run")


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory):
    """(config, TrainResult) of one short run on the synthetic data with the configured optimiser."""
{%- endraw %}
    from {{ cookiecutter.package }}.train import train
{% raw %}
    cfg = dataclasses.replace(tiny_config(tmp_path_factory.mktemp("trained") / "run"), num_samples=320, epochs=4)
    return cfg, train(cfg)
{%- endraw %}
