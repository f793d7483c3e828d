"""Evaluate a checkpoint on the validation split (the same seeded split training used).

    python -m {{ cookiecutter.package }}.evaluate
        [--config PATH] [--output-dir DIR] [--checkpoint PATH] [--data-dir DIR] [--device D]
"""
{% raw %}
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from torch import nn

from . import cli
from .config import Config
from .data import make_loaders
from .device import select_device
from .train import checkpoint_path, load_checkpoint, validate


def evaluate(cfg: Config, checkpoint: str | Path | None = None) -> dict:
    """Loss, metrics and example count of a checkpoint (default: the last one in cfg.output_dir)."""
    checkpoint = Path(checkpoint) if checkpoint else checkpoint_path(cfg)
    if not checkpoint.is_file():
        raise FileNotFoundError(f"no checkpoint at {checkpoint}; train first: python -m {__package__}.train")
    device = select_device(cfg.device)
    # Data settings come from cfg (e.g. a new data_dir); model sizes come from the checkpoint.
    model, _, class_names = load_checkpoint(checkpoint, device)
    loaders = make_loaders(cfg, device)
    if loaders.class_names != class_names:
        raise ValueError(f"the data's classes {loaders.class_names} differ from the checkpoint's {class_names}")
    return {**validate(model, loaders.val, device), "checkpoint": str(checkpoint)}


@torch.no_grad()
def predict(model: nn.Module, inputs: np.ndarray) -> np.ndarray:
    """The model's outputs for a batch in model.example_input's layout, on the CPU, as numpy."""
    model.eval()
    device = next(model.parameters()).device
    return model(torch.as_tensor(inputs, device=device)).cpu().numpy()


def main(argv: list[str] | None = None) -> int:
    args = cli.parser(__doc__, checkpoint=True).parse_args(argv)
    print(json.dumps(evaluate(cli.config_from_args(args), args.checkpoint), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
{%- endraw %}
