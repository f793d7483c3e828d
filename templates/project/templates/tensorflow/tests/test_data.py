"""The tf.data pipelines: synthetic batches have the right shapes, and real files on disk load.

The task's own part (the batch layout, and its files on disk) is at the end: check_batch() and the tests
that read files.
"""
{% raw %}
import dataclasses

import numpy as np
import pytest
{% endraw %}
from {{ cookiecutter.package }}.data import (
    make_loaders,
    synthetic_dataset,
)
{% raw %}

def _first_batch(cfg):
    loaders = make_loaders(cfg)
    x, y = next(loaders.train.as_numpy_iterator())
    return loaders, x, y


@pytest.mark.smoke
def test_synthetic_batches(cpu_config):
    loaders, x, y = _first_batch(cpu_config)
    assert len(x) == len(y) == cpu_config.batch_size
    assert y.dtype == np.int64 and 0 <= y.min() and y.max() < cpu_config.num_classes
    check_batch(x, cpu_config)
    n_val = sum(len(batch_y) for _, batch_y in loaders.val.as_numpy_iterator())
    assert n_val == round(cpu_config.num_samples * cpu_config.val_fraction)


@pytest.mark.smoke
def test_synthetic_dataset_is_unbatched(cpu_config):
    ds = synthetic_dataset(cpu_config)
    x_spec, y_spec = ds.element_spec
    assert int(ds.cardinality()) == cpu_config.num_samples
    assert y_spec.shape == () and x_spec.shape == next(iter(ds))[0].shape


@pytest.mark.smoke
def test_shuffling_follows_the_seed(cpu_config):
    _, x1, _ = _first_batch(cpu_config)
    _, x2, _ = _first_batch(cpu_config)
    np.testing.assert_array_equal(x1, x2)


@pytest.mark.smoke
def test_missing_data_dir_says_what_to_do(cpu_config, tmp_path):
    cfg = dataclasses.replace(cpu_config, data_dir=str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="does not exist"):
        make_loaders(cfg)
{% endraw %}
{% include "tensorflow/tasks/" ~ cookiecutter.task ~ "/test_data.py" -%}
