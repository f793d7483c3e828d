"""The tf.data pipelines: synthetic batches have the right shapes, and real files on disk load."""

import dataclasses

import numpy as np
import pytest

from {{ cookiecutter.package }}.data import make_loaders, synthetic_dataset


def _first_batch(cfg):
    loaders = make_loaders(cfg)
    x, y = next(loaders.train.as_numpy_iterator())
    return loaders, x, y


@pytest.mark.smoke
def test_synthetic_batches(cpu_config):
    loaders, x, y = _first_batch(cpu_config)
    assert len(x) == len(y) == cpu_config.batch_size
    assert y.dtype == np.int64 and 0 <= y.min() and y.max() < cpu_config.num_classes
{%- if cookiecutter.task == "vision" %}
    assert x.shape[1:] == (cpu_config.image_size, cpu_config.image_size, cpu_config.channels)
    assert x.dtype == np.float32 and 0.0 <= x.min() and x.max() <= 1.0
{%- elif cookiecutter.task == "nlp" %}
    assert x.shape[1:] == (cpu_config.max_len,) and x.dtype == np.int32
{%- else %}
    assert x.shape[1:] == (cpu_config.num_features,) and x.dtype == np.float32
{%- endif %}
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
{%- if cookiecutter.task == "vision" %}


@pytest.mark.smoke
def test_reads_an_image_folder(cpu_config, tmp_path):
    from PIL import Image

    for label, color in (("cat", (255, 0, 0)), ("dog", (0, 0, 255))):
        (tmp_path / label).mkdir()
        for i in range(3):
            Image.new("RGB", (20, 24), color).save(tmp_path / label / f"{i}.png")
    cfg = dataclasses.replace(cpu_config, data_dir=str(tmp_path), val_fraction=0.34)
    loaders, x, y = _first_batch(cfg)
    assert loaders.class_names == ["cat", "dog"] and loaders.cfg.num_classes == 2
    assert x.shape == (4, cfg.image_size, cfg.image_size, 3) and x.dtype == np.float32
    # Red images are class 0, blue ones class 1.
    np.testing.assert_allclose(x[y == 0][..., 0], 1.0)
    np.testing.assert_allclose(x[y == 1][..., 2], 1.0)
{%- elif cookiecutter.task == "nlp" %}


@pytest.mark.smoke
@pytest.mark.parametrize("name", ["reviews.csv", "reviews.tsv"])
def test_reads_a_text_file(cpu_config, tmp_path, name):
    rows = [("pos", "great film, would watch again"), ("neg", "dull and far too long")] * 3
    if name.endswith(".csv"):
        text = "text,label\n" + "".join(f'"{t}",{label}\n' for label, t in rows)
    else:
        text = "".join(f"{label}\t{t}\n" for label, t in rows)
    (tmp_path / name).write_text(text, encoding="utf-8")
    cfg = dataclasses.replace(cpu_config, data_dir=str(tmp_path), val_fraction=0.34)
    loaders, x, y = _first_batch(cfg)
    assert loaders.class_names == ["neg", "pos"] and loaders.cfg.num_classes == 2
    assert x.shape == (4, cfg.max_len) and x.dtype == np.int32
    # Both texts are five words: five ids, then padding.
    assert ((x > 0).sum(axis=1) == 5).all()
{%- else %}


@pytest.mark.smoke
def test_reads_a_csv_table(cpu_config, tmp_path):
    rows = ["age,income,score,label"]
    rows += [f"{30 + i},{1000 * i},0.{i},{'yes' if i % 2 else 'no'}" for i in range(6)]
    (tmp_path / "table.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    cfg = dataclasses.replace(cpu_config, data_dir=str(tmp_path), val_fraction=0.34)
    loaders, x, y = _first_batch(cfg)
    assert loaders.class_names == ["no", "yes"]
    assert loaders.cfg.num_classes == 2 and loaders.cfg.num_features == 3
    assert x.shape == (4, 3) and x.dtype == np.float32
    # Odd rows are "yes" (class 1): their age is odd.
    np.testing.assert_array_equal(x[:, 0] % 2, y)
{%- endif %}
