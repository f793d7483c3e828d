"""Test setup: `pytest -m smoke` runs from the project root without installing it (pyproject.toml puts
src/ on sys.path), with TensorFlow's C++ logs silenced and a tiny CPU configuration as a fixture."""
{% raw %}
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
{%- endraw %}
{% include "common/tasks/" ~ cookiecutter.task ~ "/conftest_sizes.py" -%}
{% raw %}    ){% endraw %}
