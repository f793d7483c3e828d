"""Command-line flags shared by train, evaluate and export (`python -m <package>.<command> --help`)."""
{% raw %}
from __future__ import annotations

import argparse

from .config import Config, load_config

# Flags that override the config key of the same name when given.
CONFIG_FLAGS = ("data_dir", "device", "epochs", "output_dir")


def parser(description: str | None, *, epochs: bool = False, checkpoint: bool = False) -> argparse.ArgumentParser:
    """--config, --output-dir, --data-dir and --device, plus --epochs and --checkpoint where asked."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", help="YAML config (default: configs/train.yaml)")
    parser.add_argument("--output-dir", help="run folder: checkpoints/ and TensorBoard logs")
    parser.add_argument("--data-dir", help="your data (default: synthetic data)")
    parser.add_argument("--device", help="auto, cpu, cuda, mps, xpu or tpu")
    if epochs:
        parser.add_argument("--epochs", type=int, help="passes over the training data")
    if checkpoint:
        parser.add_argument("--checkpoint", help="checkpoint file (default: the last one in <output_dir>/checkpoints/)")
    return parser


def config_from_args(args: argparse.Namespace) -> Config:
    """configs/train.yaml (or --config), with the flags that were given on top."""
    overrides = {key: getattr(args, key, None) for key in CONFIG_FLAGS}
    return load_config(args.config, **{key: value for key, value in overrides.items() if value is not None})


def format_metrics(metrics: dict) -> str:
    """One line of `name value` pairs for the console."""
    return "  ".join(
        f"{name} {value:.4f}" if isinstance(value, float) else f"{name} {value}"
        for name, value in metrics.items()
        if name != "epoch"
    )
{%- endraw %}
