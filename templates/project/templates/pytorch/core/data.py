"""Input pipeline: numpy arrays from sources.py wrapped in PyTorch datasets and loaders."""
{% raw %}
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch
import torch.distributed as dist
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from . import sources
from .config import Config
from .model import as_model_input


class Loaders(NamedTuple):
    cfg: Config  # sizes (num_classes, ...) fitted to the data
    train: DataLoader
    val: DataLoader
    class_names: list[str]


def to_dataset(x: np.ndarray, y: np.ndarray) -> TensorDataset:
    """Arrays -> tensors in the layout the model expects (model.as_model_input)."""
    return TensorDataset(as_model_input(x), torch.from_numpy(y).long())


def synthetic_dataset(cfg: Config) -> TensorDataset:
    """All synthetic examples (deterministic from cfg.seed)."""
    return to_dataset(*sources.synthetic_arrays(cfg))


def load_dataset(cfg: Config) -> tuple[Config, TensorDataset, TensorDataset, list[str]]:
    """Your data when cfg.data_dir is set (synthetic otherwise), split into train and validation."""
    x, y, class_names = sources.load_arrays(cfg)
    cfg = sources.fit_config(cfg, x, class_names)
    x_train, y_train, x_val, y_val = sources.split(x, y, cfg.val_fraction, cfg.seed)
    return cfg, to_dataset(x_train, y_train), to_dataset(x_val, y_val), class_names


def make_loaders(cfg: Config, device: torch.device | None = None) -> Loaders:
    """Loaders for training (sharded across processes under torchrun) and validation."""
    cfg, train_set, val_set, class_names = load_dataset(cfg)
    # Page-locked host memory makes the non_blocking copies to a CUDA device truly asynchronous.
    pin = device is not None and device.type == "cuda"
    sampler = DistributedSampler(train_set, seed=cfg.seed) if dist.is_available() and dist.is_initialized() else None
    train = DataLoader(
        train_set,
        batch_size=cfg.batch_size,
        shuffle=sampler is None,
        sampler=sampler,
        num_workers=cfg.num_workers,
        pin_memory=pin,
        generator=torch.Generator().manual_seed(cfg.seed),
    )
    val = DataLoader(val_set, batch_size=cfg.batch_size, num_workers=cfg.num_workers, pin_memory=pin)
    return Loaders(cfg, train, val, class_names)
{%- endraw %}
