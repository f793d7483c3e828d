"""Framework-neutral data sources for the image generator: numpy arrays from synthetic shapes or your images.

  x float32 (N, image_size, image_size, channels), channels-last, in [0, 1]
  y int64   (N,) the shape kind (synthetic) or the image's sub-folder: it only stratifies the split
Your data: data_dir/*.png|jpg|jpeg, or data_dir/<group>/*.png|jpg|jpeg, resized to image_size and read from
disk batch by batch.
"""
{% raw %}
from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path

import numpy as np

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}
SHAPES = ("circle", "square", "triangle", "cross")  # synthetic shape kinds, in label order
SUPERSAMPLE = 4  # synthetic shapes are drawn on a 4x finer grid and averaged down: smooth edges
TOP_LEVEL = "."  # the group of images directly in data_dir


def _inside(kind: str, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Whether points (u, v), in units of the shape's radius around its centre (v down), are inside it."""
    if kind == "circle":
        return u**2 + v**2 <= 1.0
    if kind == "square":
        return (np.abs(u) <= 0.8) & (np.abs(v) <= 0.8)
    if kind == "triangle":  # apex up, base at v = 0.8
        return (v <= 0.8) & (np.abs(u) <= 0.55 * (v + 1.0))
    return ((np.abs(u) <= 0.3) & (np.abs(v) <= 1.0)) | ((np.abs(v) <= 0.3) & (np.abs(u) <= 1.0))  # cross


def synthetic_arrays(cfg) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic (from cfg.split_seed) images of one shape each, on black: the first num_classes of
    SHAPES, at a random position, size and brightness; the label is the shape kind."""
    if not 1 <= cfg.num_classes <= len(SHAPES):
        raise ValueError(f"config key 'num_classes': the synthetic data has 1 to {len(SHAPES)} shape kinds, got "
                         f"{cfg.num_classes}")  # fmt: skip
    rng = np.random.default_rng(cfg.split_seed)  # the data, like its split, ignores the training seed
    n, size = cfg.num_samples, cfg.image_size
    y = rng.integers(0, cfg.num_classes, size=n).astype(np.int64)
    radius = rng.uniform(0.22, 0.34, n) * size
    centre = (0.5 + rng.uniform(-0.12, 0.12, (2, n))) * size
    brightness = rng.uniform(0.6, 1.0, n)
    grid = (np.arange(size * SUPERSAMPLE) + 0.5) / SUPERSAMPLE
    rows, cols = np.meshgrid(grid, grid, indexing="ij")
    x = np.zeros((n, size, size), dtype=np.float32)
    for label, kind in enumerate(SHAPES[: cfg.num_classes]):
        members = np.flatnonzero(y == label)
        scale = radius[members, None, None]
        u = (cols - centre[0, members, None, None]) / scale
        v = (rows - centre[1, members, None, None]) / scale
        covered = _inside(kind, u, v).reshape(len(members), size, SUPERSAMPLE, size, SUPERSAMPLE).mean(axis=(2, 4))
        x[members] = covered * brightness[members, None, None]
    return np.repeat(x[..., None], cfg.channels, axis=-1), y


def list_images(root: Path) -> tuple[list[Path], list[int], list[str]]:
    """root/*.png|jpg|jpeg (group ".") and root/<group>/*.png|jpg|jpeg -> (paths, group labels, group names),
    sorted by name."""

    def images(folder: Path) -> list[Path]:
        return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)

    groups = [(TOP_LEVEL, images(root))] + [(p.name, images(p)) for p in sorted(root.iterdir()) if p.is_dir()]
    groups = [(name, files) for name, files in groups if files]
    paths = [path for _, files in groups for path in files]
    labels = [label for label, (_, files) in enumerate(groups) for _ in files]
    return paths, labels, [name for name, _ in groups]


{%- endraw %}

{% include "common/images.py" %}
{% raw %}
def read_data(root: Path, cfg) -> tuple[list[str], list[int], list[str]]:
    """The image files in root and its sub-folders (decoded lazily, while training); (paths, groups, names)."""
    if not root.is_dir():
        raise ValueError(f"data_dir {root} must be a folder of images (sub-folders optional)")
    paths, labels, names = list_images(root)
    if not paths:
        raise ValueError(f"no images found: expected {root}/*.png|jpg|jpeg or {root}/<group>/*.png|jpg|jpeg")
    unreadable = [p for p in paths if not readable_image(p)]
    if unreadable:
        raise ValueError(
            f"{len(unreadable)} file(s) under {root} are not readable images (first: {unreadable[0]}): "
            "fix or remove them (.png, .jpg and .jpeg are read)"
        )
    return [str(p) for p in paths], labels, names


def load_input(path: str, cfg) -> np.ndarray:
    """One example from its file, in the layout synthetic_arrays gives (what streaming loaders call)."""
    return load_image(path, cfg.image_size, cfg.channels)


def sizes_from_data(inputs) -> dict[str, int]:
    """Config sizes the data decides (images are resized to the config's size, so none)."""
    return {}


def check_sizes(cfg) -> None:
    """Image sizes the network can take, named with what is allowed."""
    if cfg.image_size < 4 or cfg.image_size % 4:
        raise ValueError(
            f"config key 'image_size' must be a multiple of 4 (the encoder halves it twice), got {cfg.image_size}"
        )
    if cfg.channels not in (1, 3):
        raise ValueError(f"config key 'channels' must be 1 (grayscale) or 3 (RGB), got {cfg.channels}")
    if cfg.latent_dim < 1 or cfg.base_filters < 1:
        raise ValueError(f"config keys 'latent_dim' and 'base_filters' must be 1 or more, got "
                         f"{cfg.latent_dim} and {cfg.base_filters}")  # fmt: skip


# ---------------------------------------------------------------- examples and their split
def load_examples(cfg) -> Examples:
    """Your images when cfg.data_dir is set, synthetic shapes otherwise (one group is enough: nothing is
    classified, groups only keep the split balanced)."""
    check_sizes(cfg)
    if not cfg.data_dir:
        x, y = synthetic_arrays(cfg)
        return Examples(x, y, list(SHAPES[: cfg.num_classes]))
    root = Path(cfg.data_dir).expanduser()
    if not root.exists():
        raise FileNotFoundError(
            f"data_dir {root} does not exist. Point data_dir (configs/train.yaml or --data-dir) at your images, "
            "or leave it empty to train on synthetic shapes."
        )
    inputs, labels, names = read_data(root, cfg)
    return Examples(inputs, np.asarray(labels, dtype=np.int64), list(names))


def fit_config(cfg, examples: Examples):
    """Copy of cfg whose sizes match the data: the group count, and whatever the task reads from it."""
    return dataclasses.replace(cfg, num_classes=len(examples.class_names), **sizes_from_data(examples.inputs))


def imbalance_note(examples: Examples) -> str:
    """A note when the largest group has over 3x the images of the smallest (empty when balanced)."""
    counts = np.bincount(examples.labels, minlength=len(examples.class_names))
    if counts.min() * 3 >= counts.max():
        return ""
    common = examples.class_names[int(counts.argmax())]
    return (
        f"groups are imbalanced ({counts.max()} vs {counts.min()} images, most: {common!r}): the generator "
        "learns the images as they come, so its samples will mostly look like that group"
    )

{% endraw %}
{%- include "common/sources_base.py" %}
{% include "common/sources_split.py" %}
