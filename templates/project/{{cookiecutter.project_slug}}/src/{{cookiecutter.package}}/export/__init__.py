"""Export a checkpoint for deployment, check the export against the model, and record it in a manifest.

    python -m {{ cookiecutter.package }}.export
        [--config PATH] [--output-dir DIR] [--checkpoint PATH] [--format NAME] [--out-dir DIR (default: exports)]

--format takes a format ({{ project_formats()|join(", ") }}) or a deployment target (its first format);
the default is this project's target, {{ cookiecutter.deploy }}.

Framework-neutral: each format is a module of this package with the same three names,
    export(model, example, path)   write the model, traced with `example` (a batch from model.example_input)
    run(path, inputs) -> outputs   run the exported file on a numpy batch, for the parity check
    REQUIRES                       the modules those two import (pip install -e ".[export]")
and FORMATS below registers it with its artifact name and tolerance (from advisor's catalogue). To add a
format: write the module, add it to FORMATS, and map a deployment target to it in DEPLOY_FORMATS.
"""
{% raw %}
from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np

from .. import cli
from ..config import Config
{% endraw %}
PACKAGE = "{{ cookiecutter.package }}"
FRAMEWORK = "{{ cookiecutter.framework }}"
DEPLOY_TARGET = "{{ cookiecutter.deploy }}"
{% raw %}

@dataclass(frozen=True)
class Format:
    name: str  # also the name of its module in this package
    label: str
    artifact: str  # what export() writes under the output folder (a file or a folder)
    tolerance: float  # largest |exported - model| output difference check_parity accepts
    runtime: str  # what runs the artifact

    def module(self) -> ModuleType:
        """The format's module, imported on first use (it may need the export extras)."""
        return importlib.import_module(f"{__name__}.{self.name}")
{% endraw %}

# The formats this project can write (advisor's catalogue: formats).
FORMATS: dict[str, Format] = {
{%- for name in project_formats() %}
{%- set fmt = catalog.formats[name] %}
    "{{ name }}": Format(
        name="{{ name }}",
        label={{ fmt.label|py_str }},
        artifact={{ fmt.artifact|py_str }},
        tolerance={{ fmt.tolerance }},
        runtime={{ fmt.runtime|py_str }},
    ),
{%- endfor %}
}

# Deployment target -> its formats for {{ cookiecutter.framework }}, the default first (advisor's catalogue: deploy).
DEPLOY_FORMATS: dict[str, tuple[str, ...]] = {
{%- for target, facts in catalog.deploy.items() %}
    "{{ target }}": ({% for name in facts.formats[cookiecutter.framework] %}"{{ name }}",{% if not loop.last %} {% endif %}{% endfor %}),
{%- endfor %}
}

# Every format advisor knows, for a clear message when one is asked for that this project does not have.
KNOWN_FORMATS: tuple[str, ...] = ({% for name in catalog.formats %}"{{ name }}", {% endfor %})
{% raw %}

def resolve_format(name: str | None = None) -> Format:
    """A format by name, or a deployment target's default format (None: this project's target)."""
    name = name or DEPLOY_TARGET
    fmt = DEPLOY_FORMATS[name][0] if name in DEPLOY_FORMATS else name
    if fmt in FORMATS:
        return FORMATS[fmt]
    if fmt in KNOWN_FORMATS:
        raise ValueError(
            f"format {fmt!r} is not part of this project (it exports {sorted(FORMATS)}); "
            f"generate a project for that deployment target to get its exporter"
        )
    raise ValueError(
        f"unknown format or deployment target {name!r}: use one of {sorted(FORMATS)} or {sorted(DEPLOY_FORMATS)}"
    )


def check_parity(expected: np.ndarray, actual: np.ndarray, fmt: str | Format) -> float:
    """Max abs difference between the model's outputs and the export's; AssertionError above the tolerance."""
    fmt = fmt if isinstance(fmt, Format) else resolve_format(fmt)
    expected, actual = np.asarray(expected), np.asarray(actual)
    if expected.shape != actual.shape:
        raise AssertionError(f"{fmt.name} export differs from the model: shape {actual.shape} != {expected.shape}")
    diff = float(np.max(np.abs(actual.astype(np.float64) - expected.astype(np.float64)), initial=0.0))
    if not diff <= fmt.tolerance:  # `not <=`: a NaN difference fails too
        raise AssertionError(f"{fmt.name} export differs from the model: max abs diff {diff:.2e} > {fmt.tolerance:.0e}")
    return diff


def write_manifest(
    out_dir: str | Path, fmt: Format, artifact: Path, diff: float, example: np.ndarray, class_names: list[str]
) -> Path:
    """Record an export in out_dir/manifest.json (one entry per format; others already there are kept)."""
    path = Path(out_dir) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    if manifest.get("framework") != FRAMEWORK:
        manifest = {}
    entries = manifest.get("exports", {})
    entries[fmt.name] = {
        "format": fmt.name,
        "label": fmt.label,
        "artifact": artifact.name,
        "runtime": fmt.runtime,
        "tolerance": fmt.tolerance,
        "max_abs_diff": diff,
    }
    manifest = {
        "framework": FRAMEWORK,
        "deploy_target": DEPLOY_TARGET,
        "input": {"shape": [None, *example.shape[1:]], "dtype": str(example.dtype)},  # None: any batch size
        "class_names": list(class_names),
        "exports": dict(sorted(entries.items())),
    }
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return path


def export(
    cfg: Config, checkpoint: str | Path | None = None, out_dir: str | Path = "exports", fmt: str | None = None
) -> Path:
    """Write the checkpoint (default: the last one in cfg.output_dir) as `fmt` (a format or a deployment
    target; default: this project's target) under out_dir, check parity, update the manifest; returns the
    artifact's path. Raises AssertionError when the export differs from the model beyond the tolerance."""
    # Imported here: `python -m <package>.export --help` should not wait for the framework.
    from ..evaluate import predict
    from ..model import example_input
    from ..train import checkpoint_path, load_checkpoint

    fmt = resolve_format(fmt)
    module = fmt.module()
    checkpoint = Path(checkpoint) if checkpoint else checkpoint_path(cfg)
    if not checkpoint.is_file():
        raise FileNotFoundError(f"no checkpoint at {checkpoint}; train first: python -m {PACKAGE}.train")
    model, trained_cfg, class_names = load_checkpoint(checkpoint)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / fmt.artifact
    # A batch of 2 to trace with (a batch of 1 could be baked in as a constant), another of 3 to compare:
    # the export must accept any batch size.
    module.export(model, example_input(trained_cfg, batch_size=2), path)
    inputs = np.asarray(example_input(trained_cfg, batch_size=3))
    diff = check_parity(predict(model, inputs), module.run(path, inputs), fmt)
    write_manifest(out_dir, fmt, path, diff, inputs, class_names)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = cli.parser(__doc__, checkpoint=True)
    parser.add_argument("--format", help=f"a format {sorted(FORMATS)} or deployment target (default: {DEPLOY_TARGET})")
    parser.add_argument("--out-dir", default="exports", help="where to write the export (default: exports)")
    args = parser.parse_args(argv)
    try:
        fmt = resolve_format(args.format)
    except ValueError as error:
        parser.error(str(error))  # exits with status 2
    path = export(cli.config_from_args(args), args.checkpoint, args.out_dir, fmt.name)
    print(f"wrote {path} ({fmt.label}, for {fmt.runtime}); parity checked within {fmt.tolerance:.0e}")
    print(f"manifest: {Path(args.out_dir) / 'manifest.json'}")
    return 0
{%- endraw %}
