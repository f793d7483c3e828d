"""Draw new images from a trained generator (the VAE's decoder) and save them as one PNG grid.

    python -m {{ cookiecutter.package }}.sample --out FILE.png
        [--config PATH] [--output-dir RUN] [--checkpoint PATH] [--n 16] [--seed 0]

The codes are drawn from a standard normal distribution, `--seed` makes a grid repeatable; the checkpoint
(default: the run's best) brings its own image and code sizes. Images are laid out row by row, enlarged to at
least 64 pixels, on grey. The file is replaced atomically: a reader never sees half a PNG. Sampling runs on
the CPU (a grid takes milliseconds).
"""
{% raw %}
from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

import numpy as np

from . import cli
from .evaluate import predict
from .model import exported
from .train import checkpoint_path, load_checkpoint

MAX_SAMPLES = 1024
PAD = 2  # grey pixels between the images and around the grid
GREY = 128


def grid_shape(n: int) -> tuple[int, int]:
    """(rows, columns) of a grid of n images: as square as possible, filled row by row."""
    columns = math.ceil(math.sqrt(n))
    return math.ceil(n / columns), columns


def zoom_for(image_size: int) -> int:
    """How many times each image is enlarged (nearest neighbour): small images stay visible."""
    return max(1, 64 // image_size)


def draw(model, cfg, n: int, seed: int = 0) -> np.ndarray:
    """n images (n, height, width, channels) in [0, 1] from the trained model's decoder, codes seeded."""
    codes = np.random.default_rng(seed).standard_normal((n, cfg.latent_dim)).astype(np.float32)
    return np.asarray(predict(exported(model), codes), dtype=np.float32)


def to_grid(images: np.ndarray, zoom: int = 1) -> np.ndarray:
    """The images as one uint8 picture (H, W) or (H, W, 3), row by row, PAD grey pixels apart."""
    n, height, width, channels = images.shape
    rows, columns = grid_shape(n)
    pixels = np.round(np.clip(images, 0.0, 1.0) * 255).astype(np.uint8)
    pixels = pixels.repeat(zoom, axis=1).repeat(zoom, axis=2)
    cell_h, cell_w = height * zoom + PAD, width * zoom + PAD
    grid = np.full((rows * cell_h + PAD, columns * cell_w + PAD, channels), GREY, dtype=np.uint8)
    for i, image in enumerate(pixels):
        top, left = PAD + (i // columns) * cell_h, PAD + (i % columns) * cell_w
        grid[top : top + height * zoom, left : left + width * zoom] = image
    return grid[..., 0] if channels == 1 else grid


def write_png(picture: np.ndarray, out: Path) -> Path:
    """Save the picture as PNG at out, through a temporary file in the same folder then a rename."""
    from PIL import Image  # imported here: the rest of the package needs no pillow

    try:
        handle, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
        try:
            with os.fdopen(handle, "wb") as fh:
                Image.fromarray(picture).save(fh, format="PNG")
            os.replace(tmp, out)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as error:
        raise ValueError(f"cannot write {out}: {error.strerror or error}") from None
    return out


def sample(checkpoint: str | Path, out: str | Path, n: int = 16, seed: int = 0) -> Path:
    """Draw n images from the checkpoint's decoder and write them to out as a PNG grid; returns out."""
    out = Path(out)
    if not 1 <= n <= MAX_SAMPLES:
        raise ValueError(f"--n must be 1 to {MAX_SAMPLES} images, got {n}")
    if out.suffix.lower() != ".png":
        raise ValueError(f"--out {out}: the grid is written as PNG, so name a .png file")
    if not out.parent.is_dir():
        raise ValueError(f"cannot write {out}: the folder {out.parent} does not exist")
    model, cfg, _ = load_checkpoint(checkpoint)
    return write_png(to_grid(draw(model, cfg, n, seed), zoom_for(cfg.image_size)), out)


def main(argv: list[str] | None = None) -> int:
    parser = cli.parser(__doc__, checkpoint=True)
    parser.add_argument("--out", required=True, help="the PNG file to write (replaced if it exists)")
    parser.add_argument("--n", type=int, default=16, help=f"how many images, 1 to {MAX_SAMPLES} (default: 16)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the codes: the same seed, the same grid")
    args = parser.parse_args(argv)
    run_dir = args.output_dir or cli.config_from_args(args).output_dir
    checkpoint = Path(args.checkpoint) if args.checkpoint else checkpoint_path(run_dir, "best")
    out = sample(checkpoint, args.out, args.n, args.seed)
    print(f"{args.n} samples of {checkpoint} -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
{%- endraw %}
