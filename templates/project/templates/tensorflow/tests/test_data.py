"""The tf.data pipelines: every epoch serves every training example once in a new seeded order, real files
load, and bad paths are explained.

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
    synthetic_examples,
)
{% raw %}

def _first_batch(cfg):
    loaders = make_loaders(cfg)
    x, y = next(loaders.train.epoch().as_numpy_iterator())
    return loaders, x, y


def _epoch(batches, epoch: int) -> tuple[np.ndarray, np.ndarray]:
    inputs, labels = zip(*batches.epoch(epoch).as_numpy_iterator(), strict=True)
    return np.concatenate(inputs), np.concatenate(labels)


@pytest.mark.smoke
def test_every_epoch_serves_each_training_example_once_in_a_new_order(cpu_config):
    loaders = make_loaders(cpu_config)  # augmentation is off in the tiny config
    stored = loaders.train.examples.labels
    first, second = _epoch(loaders.train, 1), _epoch(loaders.train, 2)
    for inputs, labels in (first, second):
        assert len(labels) == len(stored) and sorted(labels.tolist()) == sorted(stored.tolist())
        assert len({row.tobytes() for row in inputs}) == len(stored), "an example repeats within an epoch"
    assert not np.array_equal(first[1], stored), "training batches come in storage order: no shuffling"
    assert not np.array_equal(first[1], second[1]), "every epoch has the same order"
    np.testing.assert_array_equal(_epoch(loaders.train, 1)[1], first[1])  # the order follows the seed


@pytest.mark.smoke
def test_synthetic_batches(cpu_config):
    loaders, x, y = _first_batch(cpu_config)
    assert len(x) == len(y) == cpu_config.batch_size
    assert y.dtype == np.int64 and 0 <= y.min() and y.max() < cpu_config.num_classes
    check_batch(x, cpu_config)
    n_val = sum(len(batch_y) for _, batch_y in loaders.val.epoch().as_numpy_iterator())
    assert n_val == len(loaders.split.val) > 0


@pytest.mark.smoke
def test_synthetic_data_is_deterministic(cpu_config):
    first, second = synthetic_examples(cpu_config), synthetic_examples(cpu_config)
    np.testing.assert_array_equal(first.inputs, second.inputs)
    np.testing.assert_array_equal(first.labels, second.labels)


@pytest.mark.smoke
def test_missing_data_dir_says_what_to_do(cpu_config, tmp_path):
    cfg = dataclasses.replace(cpu_config, data_dir=str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="does not exist"):
        make_loaders(cfg)
{% endraw %}
{% include "tensorflow/tasks/" ~ cookiecutter.task ~ "/test_data.py" -%}
