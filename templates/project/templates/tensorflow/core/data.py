"""tf.data pipelines over the examples from sources.py: split (stratified, recorded) and served in batches.

In-memory data (synthetic, tables, texts) is gathered batch by batch from tensors with a per-epoch
permutation; image folders are decoded from their files while training (parallel map), so memory stays
bounded whatever the data set's size.
"""
{% raw %}
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from . import sources
from .config import Config
from .model import augment, targets

AUTOTUNE = tf.data.AUTOTUNE
EPOCHS_AHEAD = 2**31 - 1  # training runs on epoch after epoch; fit() counts steps_per_epoch


class Batches:
    """One split's (inputs, targets) batches (model.targets: the labels, for classification). Training order
    is a seeded permutation per epoch (the same on resume); evaluation order is the split's order. batch_size
    is global (per replica x replicas)."""

    def __init__(
        self, examples: sources.Examples, cfg: Config, batch_size: int, *, training: bool = False,
        drop_remainder: bool = False,
    ):
        self.examples, self.cfg, self.batch_size, self.training = examples, cfg, batch_size, training
        # Whole batches only (Keras on JAX over several devices: each batch splits evenly between them); the
        # per-epoch permutation leaves different examples out of each epoch's last, partial batch.
        self.drop_remainder = drop_remainder
        if examples.in_memory:
            self.inputs = tf.convert_to_tensor(examples.inputs)
        else:
            self.inputs = tf.constant(examples.inputs, dtype=tf.string)
        self.labels = tf.convert_to_tensor(examples.labels)

    @property
    def steps(self) -> int:
        """Batches per epoch."""
        if self.drop_remainder:
            return len(self.examples) // self.batch_size
        return (len(self.examples) + self.batch_size - 1) // self.batch_size

    def order(self, epoch) -> tf.Tensor:
        """Example indices of an epoch: a permutation seeded by (seed, epoch) when training."""
        indices = tf.range(len(self.examples), dtype=tf.int64)
        if not self.training:
            return indices
        seed = tf.stack([tf.constant(self.cfg.seed, tf.int64), tf.cast(epoch, tf.int64)])
        return tf.random.experimental.stateless_shuffle(indices, seed=seed)

    def epoch(self, epoch=1) -> tf.data.Dataset:
        """The batches of one epoch (epoch counts from 1; evaluation ignores it), prefetched."""
        indices = tf.data.Dataset.from_tensor_slices(self.order(epoch))
        if self.examples.in_memory:
            batches = indices.batch(self.batch_size, drop_remainder=self.drop_remainder).map(self._gather)
        else:
            loaded = indices.map(self._load, num_parallel_calls=AUTOTUNE, deterministic=True)
            batches = loaded.batch(self.batch_size, drop_remainder=self.drop_remainder)
        if self.training:
            batches = batches.map(lambda x, y: (augment(x, self.cfg), y))
        batches = batches.map(lambda x, y: (x, targets(x, y)))
        return batches.prefetch(AUTOTUNE).with_options(_options())

    def epochs(self, first: int = 1) -> tf.data.Dataset:
        """Training batches of every epoch from `first` on, one epoch after the other, for one fit() call
        with steps_per_epoch=self.steps (built once: a fit() per epoch costs more than a small model's epoch)."""
        return tf.data.Dataset.range(first, EPOCHS_AHEAD).flat_map(self.epoch).with_options(_options())

    def _gather(self, indices):
        return tf.gather(self.inputs, indices), tf.gather(self.labels, indices)

    def _load(self, index):
        path = tf.gather(self.inputs, index)
        example = tf.numpy_function(self._read, [path], tf.float32)
        example.set_shape(self._example_shape())
        return example, tf.gather(self.labels, index)

    def _read(self, path: bytes) -> np.ndarray:
        return sources.load_input(path.decode("utf-8"), self.cfg).astype(np.float32)

    def _example_shape(self) -> tuple[int, ...]:
        return sources.load_input(self.examples.inputs[0], self.cfg).shape if len(self.examples) else ()


def _options() -> tf.data.Options:
    options = tf.data.Options()
    # In-memory arrays have no files to split between workers: shard multi-worker jobs by element.
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return options


@dataclass(frozen=True)
class Loaders:
    cfg: Config  # sizes (num_classes, ...) fitted to the data
    train: Batches
    val: Batches
    test: Batches
    class_names: list[str]
    split: sources.Split
    train_inputs: np.ndarray | None  # the training split in memory (for model.adapt), None for files


def synthetic_examples(cfg: Config) -> sources.Examples:
    """All synthetic examples (deterministic from cfg.seed)."""
    return sources.load_examples(dataclasses.replace(cfg, data_dir=None))


def sample_inputs(cfg: Config, examples: sources.Examples, limit: int) -> np.ndarray:
    """Up to `limit` examples spread over `examples` (image folders list classes in order), as one array in
    the model's input layout: what export checks and calibrates on."""
    picks = np.unique(np.linspace(0, len(examples) - 1, num=min(limit, len(examples))).round().astype(np.int64))
    batches = Batches(examples.take(picks), cfg, batch_size=max(cfg.batch_size, 1))
    return np.concatenate([inputs.numpy() for inputs, _ in batches.epoch()])

{%- endraw %}
{% include "common/split_export_inputs.py" %}
{% raw %}

def make_loaders(
    cfg: Config, split: sources.Split | None = None, replicas: int = 1, even_batches: bool = False
) -> Loaders:
    """Batches for training, validation and test; a recorded split is reused (and checked against the data).
    cfg.batch_size is per replica: a batch holds batch_size * replicas examples. `even_batches`: every
    training batch is whole (Keras on JAX over several devices), the last partial one of each epoch left out."""
    fitted, examples, split = sources.split_examples(cfg, split)
    train = examples.take(split.train)
    batch_size = cfg.batch_size * replicas
    if even_batches and len(train) < batch_size:
        raise ValueError(
            f"the training split holds {len(train)} examples, fewer than one batch of {batch_size} "
            f"(batch_size {cfg.batch_size} x {replicas} devices): lower batch_size"
        )
    return Loaders(
        cfg=fitted,
        train=Batches(train, fitted, batch_size, training=True, drop_remainder=even_batches),
        val=Batches(examples.take(split.val), fitted, batch_size),
        test=Batches(examples.take(split.test), fitted, batch_size),
        class_names=examples.class_names,
        split=split,
        train_inputs=train.inputs if train.in_memory else None,
    )
{%- endraw %}
