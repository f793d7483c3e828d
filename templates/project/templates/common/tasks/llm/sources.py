"""Framework-neutral data sources for the byte-level language model: windows of text as numpy arrays.

  inputs int32 (N, context)  the bytes of a window (UTF-8; ids 0..255, no tokenizer)
  labels int64 (N, context)  the byte after each input byte (the window shifted by one)
Built-in data: data/corpus.txt (a few KB of plain English prose). Your data: a UTF-8 .txt/.md file, or a
folder of them (read in name order and joined by a blank line).
"""
{% raw %}
from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path

import numpy as np

VOCAB_SIZE = 256  # one id per byte value
TEXT_SUFFIXES = {".md", ".txt"}
# data/corpus.txt at the project root (src/<package>/sources.py -> ../../data), as config.py finds configs/.
CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus.txt"
SEPARATOR = b"\n\n"  # between the files of a folder


def windows(data: bytes, context: int) -> tuple[np.ndarray, np.ndarray]:
    """Non-overlapping windows of context + 1 bytes: (inputs = the first context bytes, labels = the last
    context bytes); each label is the byte that follows its input. A tail shorter than a window is dropped."""
    length = context + 1
    count = len(data) // length
    cut = np.frombuffer(data[: count * length], dtype=np.uint8).reshape(count, length)
    return cut[:, :-1].astype(np.int32), cut[:, 1:].astype(np.int64)


def text_files(root: Path) -> list[Path]:
    """data_dir as a list of text files: the file itself, or every .txt/.md below the folder, by path."""
    if root.is_file():
        if root.suffix.lower() not in TEXT_SUFFIXES:
            raise ValueError(f"{root}: not a .txt or .md file (data_dir takes a UTF-8 text file or a folder of them)")
        return [root]
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
    if not files:
        raise ValueError(f"data_dir {root} holds no .md/.txt file")
    return files


def read_corpus(root: Path) -> bytes:
    """The UTF-8 bytes of data_dir's text (a file, or a folder's files joined by a blank line)."""
    return SEPARATOR.join(read_text(path).encode("utf-8") for path in text_files(root))


def synthetic_arrays(cfg) -> tuple[np.ndarray, np.ndarray]:
    """The built-in data: windows of data/corpus.txt, shipped with the project (no download)."""
    if not CORPUS.is_file():
        raise FileNotFoundError(f"the built-in corpus {CORPUS} is missing: set data_dir to your .txt/.md files")
    return windows(read_corpus(CORPUS), cfg.context)


def read_data(root: Path, cfg) -> tuple[np.ndarray, np.ndarray]:
    """Windows of your text files."""
    return windows(read_corpus(root), cfg.context)


def sizes_from_data(inputs: np.ndarray) -> dict[str, int]:
    """Config sizes the data decides (none: bytes are always 256 ids, windows always `context` long)."""
    return {}


def load_examples(cfg) -> Examples:
    """Your text when cfg.data_dir is set, the built-in corpus otherwise; too little text is refused."""
    if cfg.data_dir:
        root = Path(cfg.data_dir).expanduser()
        if not root.exists():
            raise FileNotFoundError(
                f"data_dir {root} does not exist. Point data_dir (configs/train.yaml or --data-dir) at a .txt/.md "
                "file or a folder of them, or leave it empty to train on the built-in corpus (data/corpus.txt)."
            )
        inputs, labels = read_data(root, cfg)
        where = f"data_dir {root}"
    else:
        inputs, labels = synthetic_arrays(cfg)
        where = str(CORPUS)
    if len(labels) < 3:  # one window each for training, validation and test
        raise ValueError(
            f"{where} holds {len(labels)} windows of context + 1 = {cfg.context + 1} bytes: too little text; "
            "add text or lower context"
        )
    return Examples(inputs, labels, [])


def random_split(examples: Examples, val_fraction: float, test_fraction: float, seed: int) -> Split:
    """A seeded shuffle of the windows, cut into train/val/test (no classes, so no stratification); val always
    gets a window (it picks the best epoch), test one when test_fraction > 0, training keeps the rest."""
    if not (0 <= val_fraction < 1 and 0 <= test_fraction < 1 and val_fraction + test_fraction < 1):
        raise ValueError(
            f"val_fraction ({val_fraction}) and test_fraction ({test_fraction}) must be in [0, 1) and sum below 1"
        )
    n = len(examples)
    n_val = max(1, round(n * val_fraction))
    n_test = max(1 if test_fraction > 0 else 0, round(n * test_fraction))
    if n - n_val - n_test < 1:
        raise ValueError(f"{n} windows are too few to hold out validation and test windows: add text or lower context")
    order = np.random.default_rng(seed).permutation(n)
    parts = {"test": order[:n_test], "val": order[n_test : n_test + n_val], "train": order[n_test + n_val :]}
    parts = {name: np.sort(part).astype(np.int64) for name, part in parts.items()}
    return Split(**parts, fingerprint=examples.fingerprint())


def split_examples(cfg, split: Split | None = None):
    """(cfg, every window, the split): a recorded split is reused and checked against the text; otherwise the
    config's seeded random split is made."""
    examples = load_examples(cfg)
    if split is None:
        split = random_split(examples, cfg.val_fraction, cfg.test_fraction, cfg.split_seed)
    else:
        split.check(examples)
    return cfg, examples, split


def imbalance_note(examples: Examples) -> str:
    """Windows have no classes to balance."""
    return ""

{% endraw %}
{%- include "common/sources_base.py" %}
