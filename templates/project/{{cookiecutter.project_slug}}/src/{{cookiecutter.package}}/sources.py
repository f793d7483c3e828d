"""Framework-neutral data sources: numpy arrays from synthetic data or your files.

Shapes (both frameworks wrap these arrays in their own pipelines):
  vision   x float32 (N, image_size, image_size, channels), channels-last, in [0, 1]
  nlp      x int32   (N, max_len) token ids, 0 = padding
  tabular  x float32 (N, num_features)
  labels   y int64   (N,) in [0, num_classes)
"""
{% raw %}
from __future__ import annotations

import csv
import dataclasses
import re
import zlib
from pathlib import Path

import numpy as np

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
_WORD = re.compile(r"[a-z0-9']+")


# ---------------------------------------------------------------- synthetic data
def synthetic_arrays(cfg) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic (from cfg.seed), learnable data: each class has its own pattern."""
    rng = np.random.default_rng(cfg.seed)
    y = rng.integers(0, cfg.num_classes, size=cfg.num_samples).astype(np.int64)
    if cfg.task == "vision":
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
    elif cfg.task == "nlp":
        # Random "background" words, with about a third replaced by class keywords.
        keywords = rng.integers(1, cfg.vocab_size, size=(cfg.num_classes, 8))
        x = rng.integers(1, cfg.vocab_size, size=(cfg.num_samples, cfg.max_len))
        is_keyword = rng.random(x.shape) < 0.35
        picks = keywords[y[:, None], rng.integers(0, 8, size=x.shape)]
        x = np.where(is_keyword, picks, x)
        lengths = rng.integers(max(1, cfg.max_len // 4), cfg.max_len + 1, size=cfg.num_samples)
        x[np.arange(cfg.max_len)[None, :] >= lengths[:, None]] = 0
    elif cfg.task == "tabular":
        centers = rng.normal(0.0, 1.5, size=(cfg.num_classes, cfg.num_features))
        x = centers[y] + rng.normal(0.0, 1.0, size=(cfg.num_samples, cfg.num_features))
    else:
        raise ValueError(f"unknown task {cfg.task!r}")
    dtype = np.int32 if cfg.task == "nlp" else np.float32
    return x.astype(dtype), y


# ---------------------------------------------------------------- labels
def _index_labels(raw: list[str]) -> tuple[list[int], list[str]]:
    """Map label strings to 0..K-1; numeric labels keep their numeric order."""
    names = sorted(set(raw))
    if all(re.fullmatch(r"-?\d+", name) for name in names):
        names.sort(key=int)
    index = {name: i for i, name in enumerate(names)}
    return [index[label] for label in raw], names


# ---------------------------------------------------------------- images
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


def load_image(path: str | Path, image_size: int, channels: int) -> np.ndarray:
    """One image as float32 HWC in [0, 1], resized to image_size x image_size."""
    from PIL import Image  # imported here: only image projects need pillow

    with Image.open(path) as img:
        img = img.convert("L" if channels == 1 else "RGB").resize((image_size, image_size), Image.BILINEAR)
        array = np.asarray(img, dtype=np.float32) / 255.0
    return array[..., None] if channels == 1 else array


# ---------------------------------------------------------------- text
def read_text_file(path: str | Path) -> tuple[list[str], list[int], list[str]]:
    """A CSV with `text` and `label` columns, or any other file as `label<TAB>text` lines."""
    path = Path(path)
    raw_texts, raw_labels = [], []
    with path.open(encoding="utf-8-sig", newline="") as fh:  # -sig: tolerate a BOM (Excel)
        if path.suffix.lower() == ".csv":
            reader = csv.DictReader(fh)
            missing = {"text", "label"} - set(reader.fieldnames or [])
            if missing:
                raise ValueError(f"{path}: CSV header needs columns 'text' and 'label' (missing {sorted(missing)})")
            for row in reader:
                raw_texts.append(row["text"])
                raw_labels.append(row["label"].strip())
        else:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                label, sep, text = line.rstrip("\r\n").partition("\t")
                if not sep:
                    raise ValueError(f"{path}:{lineno}: expected 'label<TAB>text'")
                raw_texts.append(text)
                raw_labels.append(label.strip())
    labels, names = _index_labels(raw_labels)
    return raw_texts, labels, names


def encode_texts(texts: list[str], vocab_size: int, max_len: int) -> np.ndarray:
    """Lowercase words hashed (crc32) into ids 1..vocab_size-1; 0 pads; no vocabulary file needed."""
    ids = np.zeros((len(texts), max_len), dtype=np.int32)
    for row, text in enumerate(texts):
        words = _WORD.findall(text.lower())[:max_len]
        ids[row, : len(words)] = [1 + zlib.crc32(w.encode("utf-8")) % (vocab_size - 1) for w in words]
    return ids


# ---------------------------------------------------------------- tables
def read_table(path: str | Path, label_column: str = "label") -> tuple[np.ndarray, np.ndarray, list[str]]:
    """A CSV of numeric feature columns plus a label column -> (x float32, y int64, class names)."""
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as fh:  # -sig: tolerate a BOM (Excel)
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        if label_column not in header:
            raise ValueError(f"{path}: no {label_column!r} column (columns: {header})")
        features = [c for c in header if c != label_column]
        rows, raw_labels = [], []
        for lineno, row in enumerate(reader, 2):
            try:
                rows.append([float(row[c]) for c in features])
            except (TypeError, ValueError) as err:
                raise ValueError(f"{path}:{lineno}: feature values must be numbers ({err})") from err
            raw_labels.append(row[label_column].strip())
    labels, names = _index_labels(raw_labels)
    x = np.asarray(rows, dtype=np.float32).reshape(len(rows), len(features))
    return x, np.asarray(labels, dtype=np.int64), names


# ---------------------------------------------------------------- entry points
def _data_file(path: Path, suffixes: set[str]) -> Path:
    """data_dir may name the file itself or a folder holding it (the first, by name, is used)."""
    if path.is_file():
        return path
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in suffixes)
    if not files:
        raise ValueError(f"data_dir {path} holds no {'/'.join(sorted(suffixes))} file")
    return files[0]


def load_arrays(cfg) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(x, y, class names): your data when cfg.data_dir is set, synthetic data otherwise."""
    if not cfg.data_dir:
        x, y = synthetic_arrays(cfg)
        return x, y, [f"class_{i}" for i in range(cfg.num_classes)]
    root = Path(cfg.data_dir).expanduser()
    if not root.exists():
        raise FileNotFoundError(
            f"data_dir {root} does not exist. Point data_dir (configs/train.yaml or --data-dir) at your data, "
            "or leave it empty to train on synthetic data."
        )
    if cfg.task == "vision":
        if not root.is_dir():
            raise ValueError(f"data_dir {root} must be a folder with one sub-folder of images per class")
        paths, labels, names = list_image_folder(root)
        if not paths:
            raise ValueError(f"no images found: expected {root}/<class name>/*.png|jpg|jpeg")
        x = np.stack([load_image(p, cfg.image_size, cfg.channels) for p in paths])
        y = np.asarray(labels, dtype=np.int64)
    elif cfg.task == "nlp":
        texts, labels, names = read_text_file(_data_file(root, TEXT_SUFFIXES))
        x, y = encode_texts(texts, cfg.vocab_size, cfg.max_len), np.asarray(labels, dtype=np.int64)
    else:
        x, y, names = read_table(_data_file(root, {".csv"}), cfg.label_column)
    if len(y) == 0:
        raise ValueError(f"data_dir {root} contains no examples")
    return x, y, names


def fit_config(cfg, x: np.ndarray, class_names: list[str]):
    """Copy of cfg whose sizes match the data (class count; feature count for tables)."""
    changes = {"num_classes": len(class_names)}
    if cfg.task == "tabular":
        changes["num_features"] = int(x.shape[1])
    return dataclasses.replace(cfg, **changes)


def split(x: np.ndarray, y: np.ndarray, val_fraction: float, seed: int):
    """Shuffled (x_train, y_train, x_val, y_val); at least one validation example."""
    order = np.random.default_rng(seed).permutation(len(y))
    n_val = min(len(y) - 1, max(1, round(len(y) * val_fraction))) if val_fraction > 0 else 0
    val, train = order[:n_val], order[n_val:]
    return x[train], y[train], x[val], y[val]
{%- endraw %}
