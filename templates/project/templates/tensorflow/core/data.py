"""tf.data input pipelines over the arrays from sources.py: synthetic by default, your files with data_dir.

The arrays are held in memory; for data sets larger than RAM, build the datasets from files instead
(e.g. tf.data.TFRecordDataset) and keep the batching below.
"""
{% raw %}
from __future__ import annotations

from dataclasses import dataclass

import tensorflow as tf

from .config import Config
from .sources import fit_config, load_arrays, split, synthetic_arrays

AUTOTUNE = tf.data.AUTOTUNE


@dataclass(frozen=True)
class Loaders:
    cfg: Config  # sizes (num_classes, ...) fitted to the data
    train: tf.data.Dataset
    val: tf.data.Dataset
    class_names: list[str]


def synthetic_dataset(cfg: Config) -> tf.data.Dataset:
    """Unbatched synthetic (x, y) examples shaped like the task's real data."""
    return tf.data.Dataset.from_tensor_slices(synthetic_arrays(cfg))


def load_dataset(cfg: Config) -> tuple[Config, tf.data.Dataset, tf.data.Dataset, list[str]]:
    """(cfg sized to the data, train examples, validation examples, class names), unbatched.

    Your files when cfg.data_dir is set, synthetic data otherwise; the split follows cfg.seed.
    """
    x, y, class_names = load_arrays(cfg)
    x_train, y_train, x_val, y_val = split(x, y, cfg.val_fraction, cfg.seed)
    train = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    val = tf.data.Dataset.from_tensor_slices((x_val, y_val))
    return fit_config(cfg, x, class_names), train, val, list(class_names)


def _batch_size(n: int, batch_size: int, replicas: int) -> int:
    # Keras builds a distributed model from the first batch averaged over replicas, which fails
    # when that batch splits unevenly: shrink the batch of a small split to a multiple of replicas.
    if replicas == 1 or n >= batch_size:
        return batch_size
    return max(replicas, n - n % replicas)


def batched(ds: tf.data.Dataset, batch_size: int, replicas: int = 1, shuffle: bool = False, seed: int = 0):
    """Shuffled (seeded, so runs repeat), batched and prefetched pipeline."""
    n = int(ds.cardinality())
    if shuffle:
        ds = ds.shuffle(n, seed=seed, reshuffle_each_iteration=True)
    options = tf.data.Options()
    # In-memory arrays have no files to split between workers: shard multi-worker jobs by element.
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return ds.batch(_batch_size(n, batch_size, replicas)).prefetch(AUTOTUNE).with_options(options)


def make_loaders(cfg: Config, replicas: int = 1) -> Loaders:
    """Train/validation pipelines. cfg.batch_size is per replica: a batch holds batch_size * replicas
    examples, which the distribution strategy splits across its replicas."""
    fitted, train, val, class_names = load_dataset(cfg)
    batch_size = cfg.batch_size * replicas
    return Loaders(
        cfg=fitted,
        train=batched(train, batch_size, replicas, shuffle=True, seed=cfg.seed),
        val=batched(val, batch_size, replicas),
        class_names=class_names,
    )
{%- endraw %}
