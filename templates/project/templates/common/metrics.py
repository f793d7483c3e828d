"""Framework-neutral scores and run records: classification metrics from logits, metrics.jsonl, the
confusion matrix (CSV and PNG), the learning-rate schedule, and the best-epoch / early-stopping tracker.

Both frameworks call these with numpy arrays, so PyTorch and Keras runs report the same numbers the
same way.
"""
{% raw %}
from __future__ import annotations

import csv
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

METRICS_FILE = "metrics.jsonl"
SPLIT_FILE = "split.json"
CONFUSION_CSV = "confusion_matrix.csv"
CONFUSION_PNG = "confusion_matrix.png"
# What evaluate --json and the test line of metrics.jsonl report.
REPORTED = ("accuracy", "loss", "macro_f1", "examples")


# ---------------------------------------------------------------- scores
def confusion_matrix(labels: np.ndarray, predictions: np.ndarray, num_classes: int) -> np.ndarray:
    """counts[true class, predicted class]."""
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(counts, (np.asarray(labels, dtype=np.int64), np.asarray(predictions, dtype=np.int64)), 1)
    return counts


def macro_f1(counts: np.ndarray) -> float:
    """Unweighted mean of the per-class F1 scores (a class never seen nor predicted scores 0)."""
    true_positives = np.diag(counts).astype(np.float64)
    denominator = counts.sum(axis=0) + counts.sum(axis=1)
    f1 = np.divide(2 * true_positives, denominator, out=np.zeros_like(true_positives), where=denominator > 0)
    return float(f1.mean()) if len(f1) else 0.0


def classification_scores(labels: np.ndarray, logits: np.ndarray) -> dict:
    """loss (mean cross-entropy), accuracy, macro_f1, examples and the confusion matrix of a split."""
    labels = np.asarray(labels, dtype=np.int64)
    logits = np.asarray(logits, dtype=np.float64)
    if len(labels) == 0:
        return {"loss": math.nan, "accuracy": math.nan, "macro_f1": math.nan, "examples": 0, "confusion": None}
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    counts = confusion_matrix(labels, logits.argmax(axis=1), logits.shape[1])
    return {
        "loss": float(-log_probs[np.arange(len(labels)), labels].mean()),
        "accuracy": float(np.trace(counts) / len(labels)),
        "macro_f1": macro_f1(counts),
        "examples": len(labels),
        "confusion": counts,
    }


# ---------------------------------------------------------------- learning rate
def learning_rate_factor(step: int, total_steps: int, warmup_steps: int, schedule: str) -> float:
    """Multiplier of learning_rate at optimizer step `step` (0-based): linear warm-up, then cosine to 0."""
    if schedule == "constant":
        return 1.0
    if schedule != "cosine":
        raise ValueError(f"lr_schedule {schedule!r}: use cosine or constant")
    if step < warmup_steps:
        return (step + 1) / warmup_steps
    progress = min(1.0, (step - warmup_steps) / max(1, total_steps - warmup_steps))
    return 0.5 * (1.0 + math.cos(math.pi * progress))


# ---------------------------------------------------------------- best epoch and early stopping
@dataclass
class Tracker:
    """Follows the monitored metric: which epoch is best, and when to stop early.

    Lower is better for a loss, higher for anything else (accuracy, macro_f1). A tie on a score (common
    with small validation sets) goes to the lower validation loss.
    """

    monitor: str
    patience: int  # epochs without improvement before stopping; 0 never stops early
    best: float | None = None
    best_loss: float | None = None  # val_loss of the best epoch: breaks ties
    best_epoch: int = 0
    stale_epochs: int = 0

    @property
    def lower_is_better(self) -> bool:
        return "loss" in self.monitor

    def _better(self, value: float, loss: float) -> bool:
        if self.best is None:
            return True
        if value == self.best and not self.lower_is_better:
            return self.best_loss is not None and loss < self.best_loss
        return value < self.best if self.lower_is_better else value > self.best

    def update(self, epoch: int, row: dict) -> bool:
        """Record an epoch's metrics; True when it is the best so far."""
        if self.monitor not in row:
            raise ValueError(f"monitor {self.monitor!r} is not a metric; use one of {sorted(row)}")
        value, loss = row[self.monitor], row.get("val_loss", math.nan)
        if not math.isnan(value) and self._better(value, loss):
            self.best, self.best_loss, self.best_epoch, self.stale_epochs = float(value), float(loss), epoch, 0
            return True
        self.stale_epochs += 1
        return False

    @property
    def should_stop(self) -> bool:
        return self.patience > 0 and self.stale_epochs >= self.patience

    def state(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- files in the run folder
def append_metrics(run_dir: str | Path, row: dict) -> None:
    """One JSON object per line in <run_dir>/metrics.jsonl (epochs, then the test line)."""
    path = Path(run_dir) / METRICS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({k: v for k, v in row.items() if k != "confusion"}) + "\n")


def read_metrics(run_dir: str | Path) -> list[dict]:
    path = Path(run_dir) / METRICS_FILE
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def restart_metrics(run_dir: str | Path, keep_epochs: int) -> None:
    """Keep the first keep_epochs epoch lines (a resumed run continues after them); drop the rest."""
    rows = [row for row in read_metrics(run_dir) if "split" not in row and row.get("epoch", 0) <= keep_epochs]
    path = Path(run_dir) / METRICS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


def write_split(run_dir: str | Path, split_record: dict) -> Path:
    """<run_dir>/split.json: the example indices of train, val and test (compare baselines on the same split)."""
    path = Path(run_dir) / SPLIT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(split_record) + "\n", encoding="utf-8")
    return path


def write_confusion(run_dir: str | Path, counts: np.ndarray, class_names: list[str]) -> tuple[Path, Path]:
    """confusion_matrix.csv (rows: true class, columns: predicted) and a PNG picture of it."""
    run_dir = Path(run_dir)
    csv_path = run_dir / CONFUSION_CSV
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["true \\ predicted", *class_names])
        for name, row in zip(class_names, counts.tolist(), strict=True):
            writer.writerow([name, *row])
    png_path = run_dir / CONFUSION_PNG
    _draw_confusion(counts, class_names).save(png_path)
    return csv_path, png_path


def _draw_confusion(counts: np.ndarray, class_names: list[str]):
    """Rows shaded by the share of each true class; counts in the cells, class names at the edges."""
    from PIL import Image, ImageDraw

    k = len(class_names)
    cell = 36 if k <= 20 else 12
    label_width = 8 + 7 * min(16, max(len(n) for n in class_names))
    size = (label_width + k * cell + 8, label_width + k * cell + 8)
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    for i in range(k):
        draw.text((4, label_width + i * cell + cell // 3), class_names[i][:16], fill="black")  # true class
        draw.text((label_width + i * cell + 2, 4 + (i % 2) * 12), class_names[i][:4], fill="black")  # predicted
        for j in range(k):
            shade = int(255 - 200 * shares[i, j])
            box = (label_width + j * cell, label_width + i * cell)
            draw.rectangle((*box, box[0] + cell - 1, box[1] + cell - 1), fill=(shade, shade, 255), outline="grey")
            if cell >= 24:
                draw.text((box[0] + 4, box[1] + cell // 3), str(counts[i, j]), fill="black" if shade > 120 else "white")
    return image
{%- endraw %}
