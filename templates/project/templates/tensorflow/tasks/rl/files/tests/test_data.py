"""Rollout minibatches: each pass over a rollout serves every step once, in a new order seeded by (seed, pass),
and the same pass always in the same order (a resumed run repeats it)."""
{% raw %}
import numpy as np
import pytest
{% endraw %}
from {{ cookiecutter.package }} import environment
from {{ cookiecutter.package }}.data import (
    Batches,
    make_loaders,
)
{% include "tensorflow/tasks/rl/test_data.py" %}
{% include "common/tasks/rl/test_data_cases.py" -%}
