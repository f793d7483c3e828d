"""Input pipeline: the examples from sources.py, split (stratified, recorded) and served in batches.

In-memory data (synthetic, tables, texts) is held as tensors and sliced by a per-epoch permutation, as
fast as a hand-written loop; image folders are decoded lazily, batch by batch, by `num_workers` worker
processes, so memory stays bounded whatever the data set's size.
"""
{% raw %}
from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np
import torch
import torch.distributed as dist
from torch.utils.data import DataLoader, Dataset

from . import sources
from .config import Config
from .model import as_model_input, augment


class Batches:
    """One split's (inputs, labels) batches for an epoch; call set_epoch(n) before each epoch.

    Training order is a seeded permutation per epoch (the same on resume); under torchrun each process
    takes its own share of it. Evaluation order is the split's order.
    """

    def __init__(self, examples: sources.Examples, cfg: Config, *, shuffle: bool, training: bool = False):
        self.examples, self.cfg, self.shuffle, self.training = examples, cfg, shuffle, training
        self.epoch = 0
        # Only training is sharded across processes; validation and test run whole, on rank 0.
        distributed = training and dist.is_available() and dist.is_initialized()
        self.rank, self.world = (dist.get_rank(), dist.get_world_size()) if distributed else (0, 1)
        if examples.in_memory:
            self.inputs, self.labels = as_model_input(examples.inputs), torch.from_numpy(examples.labels)

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    @property
    def shard_size(self) -> int:
        """Examples this process sees per epoch (every process the same number, as DDP needs)."""
        return (len(self.examples) + self.world - 1) // self.world

    def __len__(self) -> int:
        return (self.shard_size + self.cfg.batch_size - 1) // self.cfg.batch_size

    def order(self) -> torch.Tensor:
        """This process's example indices for the current epoch."""
        n = len(self.examples)
        if not self.shuffle:
            order = torch.arange(n)
        else:
            order = torch.randperm(n, generator=torch.Generator().manual_seed(self.cfg.seed * 100_003 + self.epoch))
        if self.world > 1:  # pad by repeating, so every process takes the same number of steps
            order = torch.cat([order, order[: self.shard_size * self.world - n]])[self.rank :: self.world]
        return order

    def __iter__(self):
        generator = torch.Generator().manual_seed(self.cfg.seed * 100_003 + self.epoch + 7)
        if self.examples.in_memory:
            # One gather per epoch, then views: cheaper than a small copy per batch.
            order, size = self.order(), self.cfg.batch_size
            pairs = zip(self.inputs[order].split(size), self.labels[order].split(size), strict=True)
        else:
            pairs = iter(self._file_loader(self.order().split(self.cfg.batch_size)))
        for inputs, labels in pairs:
            yield (augment(inputs, self.cfg, generator) if self.training else inputs), labels

    def _file_loader(self, batches) -> DataLoader:
        return DataLoader(
            FileExamples(self.examples, self.cfg),
            batch_sampler=[b.tolist() for b in batches],
            num_workers=self.cfg.num_workers,
            collate_fn=collate,
            pin_memory=torch.cuda.is_available(),
        )


class FileExamples(Dataset):
    """Examples decoded from their files on access (in a DataLoader worker when num_workers > 0)."""

    def __init__(self, examples: sources.Examples, cfg: Config):
        self.paths, self.labels, self.cfg = examples.inputs, examples.labels, cfg

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int) -> tuple[np.ndarray, int]:
        return sources.load_input(self.paths[index], self.cfg), int(self.labels[index])


def collate(items: list[tuple[np.ndarray, int]]) -> tuple[torch.Tensor, torch.Tensor]:
    inputs, labels = zip(*items, strict=True)
    return as_model_input(np.stack(inputs)), torch.tensor(labels, dtype=torch.int64)


class Loaders(NamedTuple):
    cfg: Config  # sizes (num_classes, ...) fitted to the data
    train: Batches
    val: Batches
    test: Batches
    class_names: list[str]
    split: sources.Split
    train_inputs: np.ndarray | None  # the training split in memory (for model.adapt), None for files


def synthetic_examples(cfg: Config) -> sources.Examples:
    """All synthetic examples (deterministic from cfg.seed)."""
    cfg = dataclasses.replace(cfg, data_dir=None)
    return sources.load_examples(cfg)


def sample_inputs(cfg: Config, examples: sources.Examples, limit: int) -> np.ndarray:
    """Up to `limit` examples spread over `examples` (image folders list classes in order), as one array in
    the model's input layout: what export checks and calibrates on."""
    picks = np.unique(np.linspace(0, len(examples) - 1, num=min(limit, len(examples))).round().astype(np.int64))
    batches = Batches(examples.take(picks), dataclasses.replace(cfg, num_workers=0), shuffle=False)
    return torch.cat([inputs for inputs, _ in batches]).numpy()

{%- endraw %}
{% include "common/split_export_inputs.py" %}
{% raw %}

def make_loaders(cfg: Config, split: sources.Split | None = None) -> Loaders:
    """Batches for training, validation and test; a recorded split is reused (and checked against the data)."""
    cfg, examples, split = sources.split_examples(cfg, split)
    train = examples.take(split.train)
    return Loaders(
        cfg=cfg,
        train=Batches(train, cfg, shuffle=True, training=True),
        val=Batches(examples.take(split.val), cfg, shuffle=False),
        test=Batches(examples.take(split.test), cfg, shuffle=False),
        class_names=examples.class_names,
        split=split,
        train_inputs=train.inputs if train.in_memory else None,
    )
{%- endraw %}
