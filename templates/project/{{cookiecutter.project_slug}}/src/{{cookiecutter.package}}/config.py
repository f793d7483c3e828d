"""Training configuration: one frozen dataclass, filled from configs/train.yaml.

Framework-neutral on purpose, so train/evaluate/export and the tests share it.
"""
{% raw %}
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# configs/train.yaml at the project root (src/<package>/config.py -> ../../configs).
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "configs" / "train.yaml"
{% endraw %}
TASK = "{{ cookiecutter.task }}"  # the task this project was generated for
{% raw %}

@dataclass(frozen=True)
class Config:
    task: str = TASK
    seed: int = 0  # weights, shuffling and augmentation
    # data: leave data_dir empty to train on built-in synthetic data
    data_dir: str | None = None
    num_samples: int = 512  # synthetic data only
    num_classes: int = 4  # synthetic data only; real data sets it from the labels
    val_fraction: float = 0.15
    test_fraction: float = 0.15
    split_seed: int = 0  # the stratified train/val/test split, recorded in <output_dir>/split.json
{%- endraw %}
{% include "common/tasks/" ~ cookiecutter.task ~ "/config_fields.py" -%}
{% raw %}    dropout: float = 0.1
    # optimisation
    epochs: int = 30
    batch_size: int = 32
    learning_rate: float = 0.003
    weight_decay: float = 0.01
    lr_schedule: str = "cosine"  # cosine (linear warm-up, then cosine decay) | constant
    warmup_epochs: float = 1.0
    grad_clip_norm: float = 1.0  # 0 turns clipping off
{%- endraw %}
    monitor: str = "{{ catalog.objectives[objective()].monitor }}"  # picks the best checkpoint; lower is better for a loss, higher otherwise
{%- raw %}
    early_stopping_patience: int = 8  # epochs without a better monitor value; 0 trains every epoch
    mixed_precision: bool = True  # bf16 on GPUs that have it, else fp16; full precision on the CPU
    # runtime
    device: str = "auto"
    num_workers: int = 0
    output_dir: str = "runs/latest"
    log_every: int = 50


FIELDS = {f.name: f for f in dataclasses.fields(Config)}


def _coerce(name: str, value: Any) -> Any:
    """YAML and the CLI give loosely typed values; match the field's default type."""
    default = FIELDS[name].default
    if default is None:  # optional text, e.g. data_dir
        return None if value in (None, "") else str(value)
    if value is None:
        raise ValueError(f"config key {name!r} needs a value (default: {default!r})")
    if isinstance(default, bool):
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "on")
        return bool(value)
    try:
        return type(default)(value)
    except (TypeError, ValueError) as err:
        raise ValueError(f"config key {name!r}: cannot use {value!r} as {type(default).__name__}") from err


def parse_override(text: str) -> tuple[str, Any]:
    """`key=value` from the command line; the value is read as YAML (3, 0.01, true, null, text)."""
    key, sep, raw = text.partition("=")
    key = key.strip().replace("-", "_")
    if not sep or not key:
        raise ValueError(f"override {text!r}: write key=value, e.g. learning_rate=0.003")
    if key not in FIELDS:
        raise ValueError(f"unknown config key {key!r} in {text!r}; valid keys: {sorted(FIELDS)}")
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError:
        value = raw
    return key, value


def load_config(path: str | Path | None = None, **overrides: Any) -> Config:
    """Read a YAML config (default: configs/train.yaml), then apply overrides.

    Unknown keys raise ValueError so a typo never silently falls back to a default.
    """
    values: dict[str, Any] = {}
    path = Path(path) if path is not None else DEFAULT_PATH
    if path.is_file():
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(loaded, dict):
            raise ValueError(f"{path}: expected a mapping of config keys, got {type(loaded).__name__}")
        values.update(loaded)
    elif path != DEFAULT_PATH:
        raise FileNotFoundError(f"config file not found: {path}")
    values.update(overrides)

    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise ValueError(f"unknown config key(s) {unknown}; valid keys: {sorted(FIELDS)}")
    cfg = Config(**{name: _coerce(name, value) for name, value in values.items()})
    if cfg.task != TASK:
        raise ValueError(f"this project was generated for task {TASK!r}, config says {cfg.task!r}")
    check(cfg)
    return cfg


def check(cfg: Config) -> None:
    """Values a run cannot start with, named with what is allowed."""
    for name in ("epochs", "batch_size", "num_samples", "num_classes"):
        if getattr(cfg, name) < 1:
            raise ValueError(f"config key {name!r} must be 1 or more, got {getattr(cfg, name)}")
    for name in ("learning_rate", "weight_decay", "warmup_epochs", "grad_clip_norm", "dropout"):
        if not getattr(cfg, name) >= 0:
            raise ValueError(f"config key {name!r} must be 0 or more, got {getattr(cfg, name)}")
    fractions = (cfg.val_fraction, cfg.test_fraction)
    if not (0 < cfg.val_fraction < 1 and 0 <= cfg.test_fraction < 1 and sum(fractions) < 1):
        raise ValueError(
            "config keys 'val_fraction' (in (0, 1): validation picks the best epoch) and 'test_fraction' "
            f"(in [0, 1)) must sum below 1, got {fractions}"
        )
    if cfg.lr_schedule not in ("cosine", "constant"):
        raise ValueError(f"config key 'lr_schedule' must be cosine or constant, got {cfg.lr_schedule!r}")
    if not cfg.monitor.startswith("val_"):
        raise ValueError(
            f"config key 'monitor' must name a validation metric (val_loss, val_accuracy, ...), got {cfg.monitor!r}"
        )
{%- endraw %}
