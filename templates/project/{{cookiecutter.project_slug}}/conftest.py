"""Test setup: run `pytest -m smoke` from the project root without installing it."""

import os
import sys
from pathlib import Path

# Before anything imports TensorFlow: silence its C++ logs and keep CPU numerics reproducible.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))

import pytest  # noqa: E402

from {{ cookiecutter.package }}.config import load_config  # noqa: E402


@pytest.fixture
def cpu_config(tmp_path):
    """A tiny configuration that trains in about a second on a laptop CPU."""
    return load_config(
        ROOT / "configs" / "train.yaml",
        device="cpu",
        epochs=1,
        batch_size=16,
        num_samples=64,
        mixed_precision=False,
        output_dir=str(tmp_path / "run"),
{%- if cookiecutter.task == "vision" %}
        image_size=16,
        base_filters=8,
{%- elif cookiecutter.task == "nlp" %}
        vocab_size=512,
        max_len=16,
        embed_dim=32,
        num_layers=1,
{%- else %}
        hidden_dim=32,
{%- endif %}
    )
