"""Framework-neutral data sources for tabular classification: numpy arrays from synthetic data or your files.

  x float32 (N, num_features)
  y int64   (N,) in [0, num_classes)
Your data: a .csv of numeric feature columns plus a label column (label_column in the config).
"""
{% raw %}
from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import os
import re
from pathlib import Path

import numpy as np


def synthetic_arrays(cfg) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic (from cfg.split_seed), learnable data: each class is a cloud around its own centre."""
    rng = np.random.default_rng(cfg.split_seed)  # the data, like its split, ignores the training seed
    y = rng.integers(0, cfg.num_classes, size=cfg.num_samples).astype(np.int64)
    centers = rng.normal(0.0, 1.5, size=(cfg.num_classes, cfg.num_features))
    x = centers[y] + rng.normal(0.0, 1.0, size=(cfg.num_samples, cfg.num_features))
    return x.astype(np.float32), y


def read_table(path: str | Path, label_column: str = "label") -> tuple[np.ndarray, np.ndarray, list[str]]:
    """A CSV of numeric feature columns plus a label column -> (x float32, y int64, class names)."""
    path = Path(path)
    with io.StringIO(read_text(path), newline="") as fh:
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
    labels, names = index_labels(raw_labels)
    x = np.asarray(rows, dtype=np.float32).reshape(len(rows), len(features))
    if not np.isfinite(x).all():
        row, column = np.argwhere(~np.isfinite(x))[0]
        raise ValueError(f"{path}:{row + 2}: column {features[column]!r} is not a finite number (inf, nan, too large)")
    return x, np.asarray(labels, dtype=np.int64), names


def read_data(root: Path, cfg) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The first .csv in root (or root itself); (x, y, class names). Features are standardised by the model."""
    return read_table(data_file(root, {".csv"}), cfg.label_column)


def sizes_from_data(inputs: np.ndarray) -> dict[str, int]:
    """Config sizes the data decides: the number of feature columns."""
    return {"num_features": int(inputs.shape[1])}

{% endraw %}
{%- include "common/sources_base.py" %}
{% include "common/sources_split.py" %}
{% include "common/sources_labelled.py" %}
