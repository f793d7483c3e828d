"""Framework-neutral scores and run records: the objective's scores (at the end of this file), metrics.jsonl,
split.json, the learning-rate schedule, and the best-epoch / early-stopping tracker.

Both frameworks call these with numpy arrays, so PyTorch and Keras runs report the same numbers the
same way.
"""
{% raw %}
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

METRICS_FILE = "metrics.jsonl"
SPLIT_FILE = "split.json"


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

    Lower is better for a loss or a perplexity, higher for anything else (accuracy, macro_f1). A tie on a score
    (common with small validation sets) goes to the lower validation loss.
    """

    monitor: str
    patience: int  # epochs without improvement before stopping; 0 never stops early
    best: float | None = None
    best_loss: float | None = None  # val_loss of the best epoch: breaks ties
    best_epoch: int = 0
    stale_epochs: int = 0

    @property
    def lower_is_better(self) -> bool:
        return "loss" in self.monitor or "perplexity" in self.monitor

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
{%- endraw %}

{% include "common/objectives/" ~ objective() ~ ".py" %}
