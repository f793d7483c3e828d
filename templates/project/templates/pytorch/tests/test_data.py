"""The input pipeline reads real files (written here to tmp_path) and explains bad paths."""

import dataclasses
{% if cookiecutter.task == "vision" %}
import numpy as np
{%- endif %}
import pytest
import torch
{% if cookiecutter.task == "nlp" %}
from {{ cookiecutter.package }} import sources
{%- endif %}
from {{ cookiecutter.package }}.data import make_loaders, synthetic_dataset
{% if cookiecutter.task == "vision" %}

def write_sample(root):
    """Two classes of 4 tiny PNGs each: dark and bright images."""
    from PIL import Image

    for name, level in (("dark", 20), ("bright", 230)):
        (root / name).mkdir(parents=True)
        for i in range(4):
            pixels = np.full((20, 24, 3), level + i, dtype=np.uint8)
            Image.fromarray(pixels).save(root / name / f"{i}.png")
    return root


def check_batch(inputs, cfg):
    assert inputs.dtype == torch.float32
    assert inputs.shape[1:] == (cfg.channels, cfg.image_size, cfg.image_size)  # resized, channels first
    assert 0.0 <= inputs.min() and inputs.max() <= 1.0
{%- elif cookiecutter.task == "nlp" %}

def write_sample(root):
    """A CSV (header text,label) with two clearly separable classes."""
    root.mkdir(parents=True)
    rows = ["text,label"]
    rows += [f'"what a great, wonderful film {i}",positive' for i in range(4)]
    rows += [f'"dull and boring, too long {i}",negative' for i in range(4)]
    (root / "reviews.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def check_batch(inputs, cfg):
    assert inputs.dtype == torch.int64
    assert inputs.shape[1] == cfg.max_len
    assert 0 <= inputs.min() and inputs.max() < cfg.vocab_size


@pytest.mark.smoke
def test_tsv_lines_are_read(tmp_path):
    path = tmp_path / "data.tsv"
    path.write_text("b\tsecond text\na\tfirst text\n\n", encoding="utf-8")
    texts, labels, names = sources.read_text_file(path)
    assert texts == ["second text", "first text"] and labels == [1, 0] and names == ["a", "b"]
{%- else %}

def write_sample(root):
    """A CSV with three numeric features and a string label column."""
    root.mkdir(parents=True)
    rows = ["f1,f2,f3,label"]
    rows += [f"{i},{0.5 * i},1.0,yes" for i in range(4)]
    rows += [f"{-i},{-0.5 * i},0.0,no" for i in range(4)]
    (root / "table.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def check_batch(inputs, cfg):
    assert inputs.dtype == torch.float32
    assert inputs.shape[1] == cfg.num_features == 3  # taken from the CSV, not the config default
{%- endif %}


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
    for a, b in zip(first.tensors, second.tensors):
        assert torch.equal(a, b)
    assert first.tensors[1].max() < cpu_config.num_classes
