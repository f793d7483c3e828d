"""Evaluate a checkpoint on the validation split (the same seeded split training used).

    python -m {{ cookiecutter.package }}.evaluate
        [--config PATH] [--output-dir DIR] [--checkpoint PATH] [--data-dir DIR] [--device D]
"""
{% raw %}
from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np

from . import cli
from .config import Config
from .data import make_loaders
from .train import checkpoint_path, load_checkpoint


def evaluate(cfg: Config, checkpoint: str | Path | None = None) -> dict:
    """Loss, metrics and example count of a checkpoint (default: the last one in cfg.output_dir)."""
    checkpoint = Path(checkpoint) if checkpoint else checkpoint_path(cfg)
    if not checkpoint.is_file():
        raise FileNotFoundError(f"no checkpoint at {checkpoint}; train first: python -m {__package__}.train")
    # Data settings come from cfg (e.g. a new data_dir); model sizes come from the checkpoint.
    model, _, class_names = load_checkpoint(checkpoint)
    loaders = make_loaders(cfg)
    if loaders.class_names != class_names:
        raise ValueError(f"the data's classes {loaders.class_names} differ from the checkpoint's {class_names}")
    metrics = model.evaluate(loaders.val, return_dict=True, verbose=0)
    examples = sum(len(labels) for _, labels in loaders.val.as_numpy_iterator())
    metrics = {name: float(value) for name, value in metrics.items()}
    return {**metrics, "examples": examples, "checkpoint": str(checkpoint)}


def predict(model: keras.Model, inputs: np.ndarray) -> np.ndarray:
    """The model's outputs for a batch in model.example_input's layout, as numpy (inference mode)."""
    return keras.ops.convert_to_numpy(model(inputs, training=False))


def main(argv: list[str] | None = None) -> int:
    args = cli.parser(__doc__, checkpoint=True).parse_args(argv)
    print(json.dumps(evaluate(cli.config_from_args(args), args.checkpoint), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
{%- endraw %}
