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
    inputs, targets = zip(*batches.epoch(epoch).as_numpy_iterator(), strict=True)
    return np.concatenate(inputs), np.concatenate(targets)


@pytest.mark.smoke
def test_every_epoch_serves_each_training_example_once_in_a_new_order(cpu_config):
    loaders = make_loaders(cpu_config)  # augmentation is off in the tiny config
    stored = [row.tobytes() for row in loaders.train.examples.inputs]
    first, second = _epoch(loaders.train, 1), _epoch(loaders.train, 2)
    served = [[row.tobytes() for row in inputs] for inputs, _ in (first, second)]
    for order in served:
        assert sorted(order) == sorted(stored), "an epoch must serve every training example once"
    assert served[0] != stored, "training batches come in storage order: no shuffling"
    assert served[0] != served[1], "every epoch has the same order"
    np.testing.assert_array_equal(_epoch(loaders.train, 1)[0], first[0])  # the order follows the seed
    np.testing.assert_array_equal(_epoch(loaders.train, 1)[1], first[1])  # and the targets follow the inputs


@pytest.mark.smoke
def test_synthetic_batches(cpu_config):
    loaders, x, y = _first_batch(cpu_config)  # y: model.targets of the batch (classification: the labels)
    assert len(x) == len(y) == cpu_config.batch_size
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
