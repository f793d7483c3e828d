"""Framework-neutral data sources for text classification: numpy arrays from synthetic data or your files.

  x int32 (N, max_len) token ids, 0 = padding
  y int64 (N,) in [0, num_classes)
Your data: a .csv with `text` and `label` columns, or a .tsv/.txt of `label<TAB>text` lines.
"""
{% raw %}
from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import os
import re
import zlib
from pathlib import Path

import numpy as np

TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
_WORD = re.compile(r"[a-z0-9']+")


def synthetic_arrays(cfg) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic (from cfg.split_seed), learnable data: each class has its own keywords."""
    rng = np.random.default_rng(cfg.split_seed)  # the data, like its split, ignores the training seed
    y = rng.integers(0, cfg.num_classes, size=cfg.num_samples).astype(np.int64)
    # Random "background" words, with about a third replaced by class keywords.
    keywords = rng.integers(1, cfg.vocab_size, size=(cfg.num_classes, 8))
    x = rng.integers(1, cfg.vocab_size, size=(cfg.num_samples, cfg.max_len))
    is_keyword = rng.random(x.shape) < 0.35
    picks = keywords[y[:, None], rng.integers(0, 8, size=x.shape)]
    x = np.where(is_keyword, picks, x)
    lengths = rng.integers(max(1, cfg.max_len // 4), cfg.max_len + 1, size=cfg.num_samples)
    x[np.arange(cfg.max_len)[None, :] >= lengths[:, None]] = 0
    return x.astype(np.int32), y


def read_text_file(path: str | Path) -> tuple[list[str], list[int], list[str]]:
    """A CSV with `text` and `label` columns, or any other file as `label<TAB>text` lines."""
    path = Path(path)
    raw_texts, raw_labels = [], []
    with io.StringIO(read_text(path), newline="") as fh:
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
    labels, names = index_labels(raw_labels)
    return raw_texts, labels, names


def encode_texts(texts: list[str], vocab_size: int, max_len: int) -> np.ndarray:
    """Lowercase words hashed (crc32) into ids 1..vocab_size-1; 0 pads; no vocabulary file needed."""
    ids = np.zeros((len(texts), max_len), dtype=np.int32)
    for row, text in enumerate(texts):
        words = _WORD.findall(text.lower())[:max_len]
        ids[row, : len(words)] = [1 + zlib.crc32(w.encode("utf-8")) % (vocab_size - 1) for w in words]
    return ids


def read_data(root: Path, cfg) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The first text file in root (or root itself), hashed into token ids; (x, y, class names)."""
    texts, labels, names = read_text_file(data_file(root, TEXT_SUFFIXES))
    return encode_texts(texts, cfg.vocab_size, cfg.max_len), np.asarray(labels, dtype=np.int64), names


def sizes_from_data(inputs: np.ndarray) -> dict[str, int]:
    """Config sizes the data decides (texts are cut or padded to max_len, so none)."""
    return {}

{% endraw %}
{%- include "common/sources_base.py" %}
{% include "common/sources_split.py" %}
{% include "common/sources_labelled.py" %}
