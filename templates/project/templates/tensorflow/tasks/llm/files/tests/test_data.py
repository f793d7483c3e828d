"""The tf.data pipelines: every epoch serves every training window once in a new seeded order, your text
files load into windows with a seeded split, and bad paths are explained.

The task's own part (its sample files and batch layout) is at the end: write_sample() and check_batch().
"""
{% raw %}
import dataclasses

import numpy as np
import pytest
{% endraw %}
from {{ cookiecutter.package }} import sources
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
    loaders = make_loaders(cpu_config)
    stored = loaders.train.examples.labels
    first, second = _epoch(loaders.train, 1), _epoch(loaders.train, 2)
    for inputs, labels in (first, second):
        assert len(labels) == len(stored) and sorted(labels.tolist()) == sorted(stored.tolist())
        # A text can repeat a window, so compare the windows served with the windows stored, as multisets.
        served, kept = sorted(inputs.tolist()), sorted(loaders.train.examples.inputs.tolist())
        assert served == kept, "a window is missing or repeats within an epoch"
    assert not np.array_equal(first[1], stored), "training batches come in storage order: no shuffling"
    assert not np.array_equal(first[1], second[1]), "every epoch has the same order"
    np.testing.assert_array_equal(_epoch(loaders.train, 1)[1], first[1])  # the order follows the seed


@pytest.mark.smoke
def test_loader_reads_your_text_files_into_windows_with_a_seeded_split(cpu_config, tmp_path):
    root = write_sample(tmp_path / "data")
    cfg = dataclasses.replace(cpu_config, data_dir=str(root), batch_size=4)
    loaders, x, y = _first_batch(cfg)
    windows = len(sources.read_corpus(root)) // (cfg.context + 1)
    sizes = [len(part.examples) for part in (loaders.train, loaders.val, loaders.test)]
    assert sum(sizes) == windows and min(sizes) >= 1
    assert loaders.split.to_dict() == make_loaders(cfg).split.to_dict(), "the split must follow split_seed"
    check_batch(x, loaders.cfg)
    assert y.shape == x.shape and y.dtype == np.int64
    n_val = sum(len(batch_y) for _, batch_y in loaders.val.epoch().as_numpy_iterator())
    assert n_val == len(loaders.split.val)


@pytest.mark.smoke
def test_missing_data_dir_says_what_to_do(cpu_config, tmp_path):
    cfg = dataclasses.replace(cpu_config, data_dir=str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="does not exist"):
        make_loaders(cfg)


@pytest.mark.smoke
def test_built_in_corpus_is_deterministic(cpu_config):
    first, second = synthetic_examples(cpu_config), synthetic_examples(cpu_config)
    np.testing.assert_array_equal(first.inputs, second.inputs)
    np.testing.assert_array_equal(first.labels, second.labels)
    assert len(first) == len(sources.CORPUS.read_bytes()) // (cpu_config.context + 1)
{% endraw %}
{% include "tensorflow/tasks/llm/test_data.py" -%}
