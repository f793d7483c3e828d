"""Your files are read or refused with a one-line reason naming the file: the task's own cases."""
{% raw %}
import numpy as np
import pytest
{% endraw %}
from {{ cookiecutter.package }} import sources
{% raw %}

@pytest.mark.smoke
def test_too_few_examples_for_a_validation_example_are_refused():
    examples = sources.Examples(np.zeros((2, 1), dtype=np.float32), np.array([0, 1]), ["a", "b"])
    with pytest.raises(ValueError, match="too few"):
        sources.stratified_split(examples, 0.15, 0.15, seed=0)
{% endraw %}
{% include "common/tasks/" ~ cookiecutter.task ~ "/test_sources.py" -%}
