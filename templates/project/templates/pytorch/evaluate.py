"""Evaluate a checkpoint on the validation split.

    python -m {{ cookiecutter.package }}.evaluate [--output-dir DIR] [--checkpoint PATH] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .config import Config, load_config
from .data import make_loaders
from .device import select_device
from .train import checkpoint_path, load_checkpoint, validate


def evaluate(cfg: Config, checkpoint: str | Path | None = None) -> dict:
    """Loss and accuracy of a checkpoint (default: the last one in cfg.output_dir) on the validation split."""
    checkpoint = Path(checkpoint) if checkpoint else checkpoint_path(cfg)
    if not checkpoint.is_file():
        raise FileNotFoundError(f"no checkpoint at {checkpoint}; train first: python -m {{ cookiecutter.package }}.train")
    device = select_device(cfg.device)
    model, trained_cfg, class_names = load_checkpoint(checkpoint, device)
    # Data settings come from cfg (e.g. a new data_dir); model sizes come from the checkpoint.
    loaders = make_loaders(cfg, device)
    if loaders.class_names != class_names:
        raise ValueError(f"the data's classes {loaders.class_names} differ from the checkpoint's {class_names}")
    metrics = validate(model, loaders.val, device)
    return {**metrics, "checkpoint": str(checkpoint)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", help="YAML config (default: configs/train.yaml)")
    parser.add_argument("--output-dir", help="where training wrote its checkpoints")
    parser.add_argument("--checkpoint", help="a checkpoint file (default: <output_dir>/checkpoints/last.pt)")
    parser.add_argument("--data-dir", help="your data (default: synthetic data)")
    parser.add_argument("--device", help="auto, cpu, cuda, mps, xpu or tpu")
    args = parser.parse_args(argv)
    overrides = {k: v for k, v in vars(args).items() if k not in ("config", "checkpoint") and v is not None}
    metrics = evaluate(load_config(args.config, **overrides), args.checkpoint)
    print(json.dumps(metrics, indent=2))
    return metrics


if __name__ == "__main__":
    main()
