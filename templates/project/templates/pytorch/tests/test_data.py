"""The input pipeline reads real files (written here to tmp_path) and explains bad paths.

The task's own part (its sample files and batch layout) is at the end: write_sample() and check_batch().
"""
{% raw %}
import dataclasses

import pytest
import torch
{% endraw %}
from {{ cookiecutter.package }}.data import (
    make_loaders,
    synthetic_dataset,
)
{% raw %}

@pytest.mark.smoke
def test_loader_reads_real_files(cpu_config, tmp_path):
    cfg = dataclasses.replace(cpu_config, data_dir=str(write_sample(tmp_path / "data")), batch_size=4)
    loaders = make_loaders(cfg)
    assert loaders.cfg.num_classes == 2
    assert len(loaders.train.dataset) + len(loaders.val.dataset) == 8
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
    first, second = synthetic_dataset(cpu_config), synthetic_dataset(cpu_config)
    for a, b in zip(first.tensors, second.tensors, strict=True):
        assert torch.equal(a, b)
    assert first.tensors[1].max() < cpu_config.num_classes
{% endraw %}
{% include "pytorch/tasks/" ~ cookiecutter.task ~ "/test_data.py" -%}
