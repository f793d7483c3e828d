"""Export a trained checkpoint for deployment, then check that the export answers like the Keras model.

    python -m {{ cookiecutter.package }}.export --output-dir runs/latest
    (writes exports/saved_model; --checkpoint, --out-dir and --format override the defaults)

Formats (the FORMATS table below):
  server  TensorFlow SavedModel via `model.export`, for TF Serving or `tf.saved_model.load`
{%- if cookiecutter.deploy not in ["none", "server", "batch"] %}

This project targets {{ cookiecutter.deploy }}, whose exporter is not generated yet: add one to FORMATS
(an export function and a runner for check_parity), starting from the SavedModel.
{%- endif %}
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import keras
import numpy as np
import tensorflow as tf

from .config import Config
from .data import make_loaders
from .train import add_config_args, checkpoint_path, config_from_args


@dataclass(frozen=True)
class Format:
    export: Callable[[keras.Model, Path], Path]  # (model, out_dir) -> exported artifact
    run: Callable[[Path, np.ndarray], np.ndarray]  # (artifact, batch) -> logits, for check_parity


def _export_saved_model(model: keras.Model, out_dir: Path) -> Path:
    path = out_dir / "saved_model"
    model.export(str(path), format="tf_saved_model", verbose=False)
    return path


def _run_saved_model(path: Path, batch: np.ndarray) -> np.ndarray:
    loaded = tf.saved_model.load(str(path))  # keep a reference: `serve` needs its variables alive
    return loaded.serve(tf.constant(batch)).numpy()


FORMATS = {"server": Format(_export_saved_model, _run_saved_model)}

# Deploy target chosen at generation -> export format. Targets without an entry (mobile, browser,
# microcontroller, Coral) need a LiteRT or TF.js exporter that is not written yet.
DEPLOY = "{{ cookiecutter.deploy }}"
DEPLOY_FORMATS = {"none": "server", "server": "server", "batch": "server"}


def check_parity(
    model: keras.Model, path: Path, batch: np.ndarray, fmt: str = "server", atol: float = 1e-4
) -> float:
    """Max abs difference between the Keras model and the export on one batch; raises above atol."""
    expected = keras.ops.convert_to_numpy(model(batch, training=False))
    diff = float(np.max(np.abs(expected - FORMATS[fmt].run(path, batch))))
    if diff > atol:
        raise AssertionError(f"{fmt} export differs from the Keras model by {diff:.2e} (> {atol:.0e})")
    return diff


def export(
    cfg: Config, checkpoint: str | Path | None = None, out_dir: str | Path = "exports", fmt: str = "server"
) -> Path:
    """Write the checkpoint as `fmt` under out_dir, check parity on a validation batch, return the path."""
    model = keras.saving.load_model(checkpoint or checkpoint_path(cfg))
    path = FORMATS[fmt].export(model, Path(out_dir))
    batch, _ = next(make_loaders(cfg).val.as_numpy_iterator())
    check_parity(model, path, batch, fmt)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add_config_args(parser)
    parser.add_argument("--checkpoint", help="a .keras file (default: <output_dir>/checkpoints/last.keras)")
    parser.add_argument("--out-dir", default="exports", help="where the export goes (default: exports)")
    parser.add_argument("--format", default=DEPLOY_FORMATS.get(DEPLOY, "server"), choices=sorted(FORMATS))
    args = parser.parse_args(argv)
    path = export(config_from_args(args), args.checkpoint, args.out_dir, args.format)
    print(f"exported {args.format}: {path} (parity checked)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
