"""Evaluate a saved .keras checkpoint on the validation split (the same seeded split training used).

    python -m {{ cookiecutter.package }}.evaluate --output-dir runs/latest
    python -m {{ cookiecutter.package }}.evaluate --checkpoint path/to/last.keras --data-dir data/
"""
{% raw %}
from __future__ import annotations

import argparse
import json
from pathlib import Path

import keras

from .config import Config
from .data import make_loaders
from .train import add_config_args, checkpoint_path, config_from_args


def evaluate(cfg: Config, checkpoint: str | Path | None = None) -> dict[str, float]:
    """Validation loss and accuracy of a checkpoint (default: the last one training wrote)."""
    model = keras.saving.load_model(checkpoint or checkpoint_path(cfg))
    metrics = model.evaluate(make_loaders(cfg).val, return_dict=True, verbose=0)
    return {name: float(value) for name, value in metrics.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add_config_args(parser)
    parser.add_argument("--checkpoint", help="a .keras file (default: <output_dir>/checkpoints/last.keras)")
    args = parser.parse_args(argv)
    print(json.dumps(evaluate(config_from_args(args), args.checkpoint), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
{%- endraw %}
