"""Command-line flags shared by train, evaluate and export (`python -m <package>.<command> --help`)."""
{% raw %}
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from .config import Config, load_config, parse_override

# Flags that override the config key of the same name when given.
CONFIG_FLAGS = ("data_dir", "device", "epochs", "output_dir")

OVERRIDES_HELP = "any config key, e.g. learning_rate=0.003 batch_size=64 (values are read as YAML)"


def parser(description: str | None, *, training: bool = False, checkpoint: bool = False) -> argparse.ArgumentParser:
    """--config, --output-dir, --data-dir and --device; with training, --epochs, --resume and KEY=VALUE
    overrides of any config key; with checkpoint, --checkpoint."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", help="YAML config (default: configs/train.yaml)")
    parser.add_argument("--output-dir", help="run folder: checkpoints/, metrics.jsonl, split.json, TensorBoard logs")
    parser.add_argument("--device", help="auto, cpu, cuda, mps, xpu or tpu")
    if training:
        parser.add_argument("--data-dir", help="your data (default: synthetic data)")
        parser.add_argument("--epochs", type=int, help="passes over the training data")
        parser.add_argument(
            "--resume",
            nargs="?",
            const="last",
            metavar="CHECKPOINT",
            help="continue a run from its last checkpoint (or this one): weights, optimizer, schedule, epoch",
        )
        parser.add_argument("overrides", nargs="*", metavar="KEY=VALUE", help=OVERRIDES_HELP)
    if checkpoint:
        parser.add_argument(
            "--checkpoint", help="checkpoint file (default: the best one in <output_dir>/checkpoints/)"
        )
    return parser


def parse(parser: argparse.ArgumentParser, argv: list[str] | None = None) -> argparse.Namespace:
    """parse_args, reading `--resume KEY=VALUE` as `--resume` followed by an override."""
    args = parser.parse_args(argv)
    resume = getattr(args, "resume", None)
    if resume and resume != "last" and "=" in resume and not Path(resume).exists():
        args.overrides, args.resume = [resume, *args.overrides], "last"
    return args


def config_from_args(args: argparse.Namespace) -> Config:
    """configs/train.yaml (or --config), then KEY=VALUE overrides, then the flags that were given."""
    overrides = dict(parse_override(text) for text in getattr(args, "overrides", None) or [])
    overrides.update({key: getattr(args, key) for key in CONFIG_FLAGS if getattr(args, key, None) is not None})
    return load_config(args.config, **overrides)


def run(main: Callable[[list[str] | None], int], argv: list[str] | None = None) -> int:
    """Run a command's main; a bad config, path or data set ends in one line on stderr and exit status 2,
    Ctrl-C in one line and 130."""
    try:
        return main(argv)
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # Checkpoints are replaced atomically, so the last complete epoch is safe to resume from.
        print("interrupted: continue with --resume (same --output-dir)", file=sys.stderr)
        return 130


def format_metrics(metrics: dict) -> str:
    """One line of `name value` pairs for the console, timings last."""
    skipped = ("epoch", "confusion", "epoch_seconds", "samples_per_second")
    line = "  ".join(
        f"{name} {value:.4g}" if isinstance(value, float) else f"{name} {value}"
        for name, value in metrics.items()
        if name not in skipped
    )
    if "epoch_seconds" in metrics:
        line += f"  ({metrics['epoch_seconds']:.1f} s, {metrics.get('samples_per_second', 0):.0f} examples/s)"
    return line
{%- endraw %}
