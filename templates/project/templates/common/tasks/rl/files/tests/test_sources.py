"""The agent's experience instead of files: the random-policy experience that standardises observations and
that step tests train on is seeded and has a training batch's layout."""
{% raw %}
import dataclasses

import numpy as np
import pytest
{% endraw %}
from {{ cookiecutter.package }} import (
    environment,
    sources,
)
{% include "common/tasks/rl/test_sources.py" -%}
