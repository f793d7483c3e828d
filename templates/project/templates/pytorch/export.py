"""Export a checkpoint for deployment and check the exported model against PyTorch.

    python -m {{ cookiecutter.package }}.export [--output-dir DIR] [--checkpoint PATH] [--format onnx] [--out-dir exports]
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch import nn

from .config import Config, load_config
from .model import example_input
from .train import checkpoint_path, load_checkpoint

DEPLOY_TARGET = "{{ cookiecutter.deploy }}"
TOLERANCE = 1e-4  # max abs difference in logits between PyTorch and the exported model


@dataclass(frozen=True)
class Format:
    filename: str
    export: Callable[[nn.Module, torch.Tensor, Path], None]
    run: Callable[[Path, np.ndarray], np.ndarray]  # runs the exported file, for the parity check
    note: str


def _export_onnx(model: nn.Module, example: torch.Tensor, path: Path) -> None:
    # The dynamo exporter (torch.export + onnxscript) is the supported path; the batch axis stays dynamic.
    torch.onnx.export(
        model,
        (example,),
        path,
        dynamo=True,
        input_names=["input"],
        output_names=["logits"],
        dynamic_shapes=({0: torch.export.Dim("batch")},),
        external_data=False,  # one self-contained file (fine below 2 GB)
        verbose=False,
    )


def _run_onnx(path: Path, inputs: np.ndarray) -> np.ndarray:
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: inputs})[0]


# Export formats by name. Add mobile/browser/edge/microcontroller exporters here (e.g. ExecuTorch .pte).
FORMATS: dict[str, Format] = {
    "onnx": Format("model.onnx", _export_onnx, _run_onnx, "ONNX for ONNX Runtime, Triton, TensorRT and most servers"),
}

# Deployment target -> format; the one place that decides what `export` writes by default.
DEPLOY_FORMATS: dict[str, str] = {"none": "onnx", "server": "onnx", "batch": "onnx"}


def resolve_format(name: str) -> str:
    """A format name, or a deployment target mapped to its format."""
    fmt = DEPLOY_FORMATS.get(name, name)
    if fmt not in FORMATS:
        raise ValueError(
            f"no exporter for {name!r} yet; available formats: {sorted(FORMATS)}, "
            f"deployment targets: {sorted(DEPLOY_FORMATS)}. Add one to FORMATS in export.py."
        )
    return fmt


def check_parity(model: nn.Module, path: str | Path, example: torch.Tensor, fmt: str = "onnx", atol: float = TOLERANCE) -> float:
    """Max abs difference between PyTorch and the exported model on `example`; raises if above atol."""
    model.eval()
    with torch.no_grad():
        expected = model(example).cpu().numpy()
    actual = FORMATS[resolve_format(fmt)].run(Path(path), example.cpu().numpy())
    diff = float(np.max(np.abs(actual - expected)))
    if not diff <= atol:
        raise AssertionError(f"exported model differs from PyTorch: max abs diff {diff:.2e} > {atol:.0e}")
    return diff


def export(cfg: Config, checkpoint: str | Path | None = None, out_dir: str | Path = "exports", fmt: str = "server") -> Path:
    """Write the model in format `fmt` (or the format of deployment target `fmt`) to out_dir; returns the file."""
    fmt = resolve_format(fmt)
    checkpoint = Path(checkpoint) if checkpoint else checkpoint_path(cfg)
    model, trained_cfg, class_names = load_checkpoint(checkpoint, "cpu")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FORMATS[fmt].filename
    example = example_input(trained_cfg, batch_size=2)  # >1: a batch of 1 would be baked in as a constant
    FORMATS[fmt].export(model, example, path)
    (out_dir / "class_names.json").write_text(json.dumps(class_names, indent=2) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", help="YAML config (default: configs/train.yaml)")
    parser.add_argument("--output-dir", help="where training wrote its checkpoints")
    parser.add_argument("--checkpoint", help="a checkpoint file (default: <output_dir>/checkpoints/last.pt)")
    default = DEPLOY_TARGET if DEPLOY_TARGET in DEPLOY_FORMATS else "onnx"
    parser.add_argument("--format", default=default, help=f"format or deployment target (default: {default})")
    parser.add_argument("--out-dir", default="exports", help="where to write the exported model")
    args = parser.parse_args(argv)
    cfg = load_config(args.config, **({"output_dir": args.output_dir} if args.output_dir else {}))
    path = export(cfg, args.checkpoint, args.out_dir, args.format)
    model, trained_cfg, _ = load_checkpoint(Path(args.checkpoint) if args.checkpoint else checkpoint_path(cfg))
    diff = check_parity(model, path, example_input(trained_cfg, batch_size=3), args.format)
    print(f"wrote {path} ({FORMATS[resolve_format(args.format)].note}); parity max abs diff {diff:.1e}")
    return path


if __name__ == "__main__":
    main()
