"""Your text files are read or refused with a one-line reason naming the file, and cut into windows."""
{% raw %}
import dataclasses

import numpy as np
import pytest
{% endraw %}
from {{ cookiecutter.package }} import sources
{% raw %}

@pytest.mark.smoke
def test_too_few_windows_for_validation_and_test_are_refused():
    examples = sources.Examples(np.zeros((2, 4), dtype=np.int32), np.zeros((2, 4), dtype=np.int64), [])
    with pytest.raises(ValueError, match="too few"):
        sources.random_split(examples, 0.15, 0.15, seed=0)
{% endraw %}
{% include "common/tasks/llm/test_sources.py" -%}
