"""The input pipeline: every epoch serves every training example once in a new seeded order, real files
load, and bad paths are explained.

The task's own part (its sample files and batch layout) is at the end: write_sample() and check_batch().
"""
{% raw %}
import dataclasses

import pytest
import torch
{% endraw %}
from {{ cookiecutter.package }}.data import (
    make_loaders,
    synthetic_examples,
)
{% raw %}

def _epoch(batches, epoch: int) -> tuple[torch.Tensor, torch.Tensor]:
    batches.set_epoch(epoch)
    inputs, labels = zip(*batches, strict=True)
    return torch.cat(inputs), torch.cat(labels)


@pytest.mark.smoke
def test_every_epoch_serves_each_training_example_once_in_a_new_order(cpu_config):
    loaders = make_loaders(cpu_config)
    stored = torch.as_tensor(loaders.train.examples.labels)
    first, second = _epoch(loaders.train, 1), _epoch(loaders.train, 2)
    for inputs, labels in (first, second):
        assert len(labels) == len(stored)
        assert sorted(labels.tolist()) == sorted(stored.tolist())
        assert len({row.numpy().tobytes() for row in inputs}) == len(stored), "an example repeats within an epoch"
    assert not torch.equal(first[1], stored), "training batches come in storage order: no shuffling"
    assert not torch.equal(first[1], second[1]), "every epoch has the same order"
    assert torch.equal(_epoch(loaders.train, 1)[1], first[1]), "the order of an epoch must follow the seed"


@pytest.mark.smoke
def test_loader_reads_real_files_with_a_stratified_split(cpu_config, tmp_path):
    cfg = dataclasses.replace(cpu_config, data_dir=str(write_sample(tmp_path / "data")), batch_size=4)
    loaders = make_loaders(cfg)
    assert loaders.cfg.num_classes == 2
    sizes = [len(part.examples) for part in (loaders.train, loaders.val, loaders.test)]
    assert sum(sizes) == 8 and min(sizes) >= 1
    for part in (loaders.val, loaders.test):  # both classes where the split allows
        assert len(set(part.examples.labels.tolist())) == min(2, len(part.examples))
    inputs, labels = next(iter(loaders.train))
    check_batch(inputs, loaders.cfg)
    assert labels.dtype == torch.int64 and set(labels.tolist()) <= {0, 1}


@pytest.mark.smoke
def test_missing_data_dir_says_what_to_do(cpu_config, tmp_path):
    cfg = dataclasses.replace(cpu_config, data_dir=str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="does not exist"):
        make_loaders(cfg)


@pytest.mark.smoke
def test_synthetic_data_is_deterministic(cpu_config):
    first, second = synthetic_examples(cpu_config), synthetic_examples(cpu_config)
    assert (first.inputs == second.inputs).all() and (first.labels == second.labels).all()
    assert first.labels.max() < cpu_config.num_classes
{% endraw %}
{% include "pytorch/tasks/" ~ cookiecutter.task ~ "/test_data.py" -%}
