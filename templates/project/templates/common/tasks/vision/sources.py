"""Framework-neutral data sources for image classification: numpy arrays from synthetic data or your files.

  x float32 (N, image_size, image_size, channels), channels-last, in [0, 1]
  y int64   (N,) in [0, num_classes)
Your data: data_dir/<class name>/*.png|jpg|jpeg, resized to image_size, read from disk batch by batch.
"""
{% raw %}
from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from pathlib import Path

import numpy as np

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}


def synthetic_arrays(cfg) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic (from cfg.split_seed), learnable data: each class has its own pattern."""
    rng = np.random.default_rng(cfg.split_seed)  # the data, like its split, ignores the training seed
    y = rng.integers(0, cfg.num_classes, size=cfg.num_samples).astype(np.int64)
    # Stripes whose orientation and colour depend on the class, at a random phase, plus noise.
    grid = np.arange(cfg.image_size) / cfg.image_size
    rows, cols = np.meshgrid(grid, grid, indexing="ij")
    angle = np.pi * y / cfg.num_classes
    phase = rng.uniform(0, 2 * np.pi, size=cfg.num_samples)
    stripes = np.sin(
        2 * np.pi * 3 * (np.cos(angle)[:, None, None] * cols + np.sin(angle)[:, None, None] * rows)
        + phase[:, None, None]
    )
    colours = rng.uniform(0.2, 0.8, size=(cfg.num_classes, cfg.channels))[y][:, None, None, :]
    noise = rng.normal(0.0, 0.1, size=(cfg.num_samples, cfg.image_size, cfg.image_size, cfg.channels))
    x = np.clip(colours + 0.25 * stripes[..., None] + noise, 0.0, 1.0)
    return x.astype(np.float32), y


def list_image_folder(root: str | Path) -> tuple[list[Path], list[int], list[str]]:
    """root/<class>/*.png|jpg|jpeg -> (paths, labels, class names), sorted."""
    root = Path(root)
    classes = sorted(p.name for p in root.iterdir() if p.is_dir())
    paths, labels = [], []
    for label, name in enumerate(classes):
        files = sorted(p for p in (root / name).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        paths += files
        labels += [label] * len(files)
    return paths, labels, classes


{%- endraw %}

{% include "common/images.py" %}
{% raw %}
def read_data(root: Path, cfg) -> tuple[list[str], list[int], list[str]]:
    """The image files under root/<class>/ (decoded lazily, while training); (paths, labels, class names)."""
    if not root.is_dir():
        raise ValueError(f"data_dir {root} must be a folder with one sub-folder of images per class")
    paths, labels, names = list_image_folder(root)
    if not paths:
        raise ValueError(f"no images found: expected {root}/<class name>/*.png|jpg|jpeg")
    unreadable = [p for p in paths if not readable_image(p)]
    if unreadable:
        raise ValueError(
            f"{len(unreadable)} file(s) under {root} are not readable images (first: {unreadable[0]}): "
            "fix or remove them"
        )
    return [str(p) for p in paths], labels, names


def load_input(path: str, cfg) -> np.ndarray:
    """One example from its file, in the layout synthetic_arrays gives (what streaming loaders call)."""
    return load_image(path, cfg.image_size, cfg.channels)


def sizes_from_data(inputs) -> dict[str, int]:
    """Config sizes the data decides (images are resized to the config's size, so none)."""
    return {}

{% endraw %}
{%- include "common/sources_base.py" %}
{% include "common/sources_split.py" %}
{% include "common/sources_labelled.py" %}
