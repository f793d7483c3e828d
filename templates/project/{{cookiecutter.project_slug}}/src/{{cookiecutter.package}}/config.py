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
    seed: int = 0
    # data: leave data_dir empty to train on built-in synthetic data
    data_dir: str | None = None
    num_samples: int = 512  # synthetic data only
    num_classes: int = 4  # synthetic data only; real data sets it from the labels
    val_fraction: float = 0.2
{%- endraw %}
{% include "common/tasks/" ~ cookiecutter.task ~ "/config_fields.py" -%}
{% raw %}    dropout: float = 0.1
    # optimisation
    epochs: int = 5
    batch_size: int = 32
    learning_rate: float = 0.001
    weight_decay: float = 0.0
    mixed_precision: bool = True  # only used on accelerators that support it
    # runtime
    device: str = "auto"
    num_workers: int = 0
    output_dir: str = "runs/latest"
    log_every: int = 10


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
    return cfg
{%- endraw %}
