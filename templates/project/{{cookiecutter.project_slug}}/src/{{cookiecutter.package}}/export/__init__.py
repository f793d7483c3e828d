"""Export a checkpoint for deployment, check each artifact in its own runtime, and record them in a manifest.

    python -m {{ cookiecutter.package }}.export
        [--config PATH] [--output-dir RUN] [--checkpoint PATH] [--out-dir DIR (default: exports)]
        [--format NAME]... [--no-install]

With no --format it writes what the deployment target ({{ cookiecutter.deploy }}) ships: {{ target_formats()|join(", ") }}.
--format repeats; it takes a format of this project ({{ project_formats()|join(", ") }}) or `{{ cookiecutter.deploy }}`;
`--format list` prints them. Every artifact is run in its own runtime on held-out examples of the validation split
and compared with the model; DIR/manifest.json records each one (format, file, runtime, inputs, max_abs_diff,
tolerance, size_bytes) or why it was skipped and what would enable it. Exit 1 when an artifact misses its tolerance,
fails to export, or nothing could be checked.

Framework-neutral: each format is a module of this package (format id = module name) with
    REQUIRES                                 the Python modules it imports (pip install -e ".[export]")
    export(model, example, path, calibration) or SOURCE + derive(source_path, path)
    run(path, inputs) -> outputs             the artifact's outputs on a numpy batch (int8: dequantised)
    signature(path), runtime()               its inputs and the runtime that ran it, for the manifest
and optionally prepare(install), cannot_check(), details(path), files(path) (every file the artifact is made of),
output_scale(path) (int8 and reference parity), output_range(path) (int8: the values its output can hold) and
reference(path, inputs) (reference parity: another runtime on the same artifact).
FORMATS below registers each with its parity rule (advisor's catalogue).
"""
{% raw %}
from __future__ import annotations

import importlib
import importlib.util
import json
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np

from .. import cli, metrics
from ..config import Config
{% endraw %}
PACKAGE = "{{ cookiecutter.package }}"
FRAMEWORK = "{{ cookiecutter.framework }}"
DEPLOY_TARGET = "{{ cookiecutter.deploy }}"
{% raw %}
CHECK_EXAMPLES = 64  # validation examples each artifact is compared on
CALIBRATION_EXAMPLES = 512  # training examples int8 quantisation calibrates on (more: fewer saturated outputs)


@dataclass(frozen=True)
class Format:
    name: str  # also the name of its module in this package
    label: str
    artifact: str  # what it writes under the export folder (a file or a folder)
    parity: str  # float | int8 | reference | none: how check() compares it
    tolerance: float  # float: relative to max(1, max|output|); int8 and reference: output-quantisation steps
    runtime: str  # what runs the artifact on the device
    source: str | None = None  # the format whose artifact it is made from
    min_agreement: float = 0.0  # int8: the top-1 agreement with the float model it needs
    slow: bool = False
    unsupported: str = ""  # why this format cannot hold this project's model (its task), if it cannot

    def module(self) -> ModuleType:
        """The format's module, imported on first use (its tools are imported inside its functions)."""
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
        parity="{{ fmt.parity }}",
        tolerance={{ fmt.tolerance }},
        runtime={{ fmt.runtime|py_str }},
{%- if fmt.get("source") %}
        source="{{ fmt.source }}",
{%- endif %}
{%- if fmt.get("min_agreement") %}
        min_agreement={{ fmt.min_agreement }},
{%- endif %}
{%- if fmt.get("slow") %}
        slow=True,
{%- endif %}
{%- if cookiecutter.task in fmt.get("unsupported", {}) %}
        unsupported=(
{%- for chunk in (fmt.unsupported[cookiecutter.task]|wordwrap(90, break_long_words=False, wrapstring="\n")).split("\n") %}
            {{ (chunk ~ ("" if loop.last else " "))|py_str }}
{%- endfor %}
        ),
{%- endif %}
    ),
{%- endfor %}
}

# What `export` writes by default: the deployment target's formats (advisor's catalogue: deploy).
TARGET_FORMATS: tuple[str, ...] = ({% for name in target_formats() %}"{{ name }}", {% endfor %})

# Every format advisor knows, and the targets that ship it, for a clear message when one is asked for that
# this project does not have.
OTHER_FORMATS: dict[str, str] = {
{%- for name in catalog.formats if name not in project_formats() %}
    "{{ name }}": "{{ targets_shipping(name)|join(", ") }}",
{%- endfor %}
}
{% raw %}


class ParityError(AssertionError):
    """An artifact's outputs differ from the model's beyond its format's tolerance."""


def resolve_formats(names: list[str] | tuple[str, ...] | None = None) -> list[Format]:
    """The formats to write, sources first: `names` may hold formats and this project's target name."""
    wanted: list[str] = []
    for name in names or [DEPLOY_TARGET]:
        if name == DEPLOY_TARGET:
            wanted += TARGET_FORMATS
        elif name in FORMATS:
            wanted.append(name)
        elif name in OTHER_FORMATS:
            where = f"projects for deploy={OTHER_FORMATS[name]} have it" if OTHER_FORMATS[name] else (
                f"no {FRAMEWORK} project writes it"
            )
            raise ValueError(f"format {name!r} is not part of this project (it exports {', '.join(FORMATS)}); {where}")
        else:
            raise ValueError(
                f"unknown format {name!r}: use one of {', '.join(FORMATS)}, {DEPLOY_TARGET!r} or 'list'"
            )
    ordered: list[str] = []
    for name in wanted:
        source = FORMATS[name].source
        ordered += [n for n in (source, name) if n and n not in ordered]
    return [FORMATS[name] for name in ordered]


def missing_modules(module: ModuleType) -> list[str]:
    return [name for name in getattr(module, "REQUIRES", ()) if importlib.util.find_spec(name) is None]


def check(fmt: Format, module: ModuleType, path: Path, inputs: np.ndarray, expected: np.ndarray) -> dict:
    """Run the artifact on `inputs` and compare with the model's outputs `expected` by the format's parity rule;
    returns the manifest's figures, raises ParityError when they miss the tolerance."""
    actual = np.asarray(module.run(path, inputs), dtype=np.float64)
    if fmt.parity == "reference":  # against another runtime on the same int8 artifact
        expected = module.reference(path, inputs)
    expected = np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape:
        raise ParityError(f"{fmt.name} export differs from the model: output shape {actual.shape} != {expected.shape}")
    figures: dict = {}
    if fmt.parity == "float":
        tolerance = fmt.tolerance * max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    else:  # int8 and reference: tolerance in steps of the int8 output (a hair over: float32 rounding of a step)
        scale = float(module.output_scale(path))
        tolerance = fmt.tolerance * scale * (1 + 1e-5)
        figures["output_scale"] = scale
    if fmt.parity == "int8":
        low, high = module.output_range(path)
        # Values beyond the int8 output's range saturate by design: steps are measured against the model's
        # outputs clipped to that range, and top-1 agreement judges whether the saturation matters.
        clipped = np.clip(expected, low, high)
        figures["saturated"] = float(np.mean(clipped != expected))
        agreement = float(np.mean(actual.argmax(-1) == expected.argmax(-1))) if len(actual) else 1.0
        if metrics.TOP1_AGREEMENT:  # outputs are class scores (not, e.g., pixels)
            figures["top1_agreement"] = agreement
        expected = clipped
        if metrics.TOP1_AGREEMENT and not agreement >= fmt.min_agreement:
            raise ParityError(
                f"{fmt.name} export differs from the model: top-1 agreement {agreement:.2f} < {fmt.min_agreement}"
            )
    diff = float(np.max(np.abs(actual - expected), initial=0.0))
    figures["max_abs_diff"] = diff
    if "output_scale" in figures:
        figures["steps"] = round(diff / figures["output_scale"], 3)
    figures["tolerance"] = tolerance
    if not diff <= tolerance:  # `not <=`: a NaN difference fails too
        raise ParityError(f"{fmt.name} export differs from the model: max abs diff {diff:.3g} > {tolerance:.3g}")
    return figures


def size_bytes(paths: list[Path]) -> int:
    files = [f for p in paths for f in ([q for q in p.rglob("*") if q.is_file()] if p.is_dir() else [p])]
    return sum(f.stat().st_size for f in files)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def write_one(fmt: Format, out_dir: Path, model, data: dict, written: dict[str, Path], install: bool) -> dict:
    """Export one format and check it; returns its manifest entry (skipped entries say why and how to enable)."""
    if fmt.unsupported:
        return {"format": fmt.name, "skipped": f"not for this model: {fmt.unsupported}"}
    if fmt.source and fmt.source not in written:
        return {"format": fmt.name, "skipped": f"made from the {fmt.source} export, which was not written"}
    module = fmt.module()
    missing = missing_modules(module)
    if missing:
        return {"format": fmt.name, "skipped": f"needs {', '.join(missing)}: pip install -e \".[export]\""}
    prepare = getattr(module, "prepare", None)
    reason = prepare(install) if prepare else None
    if reason:
        return {"format": fmt.name, "skipped": reason}
    path = out_dir / fmt.artifact
    started = time.perf_counter()
    if fmt.source:
        if path != written[fmt.source]:
            _remove(path)
        module.derive(written[fmt.source], path)
    else:
        _remove(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        module.export(model, data["example"], path, data["calibration"])
    written[fmt.name] = path
    entry = {
        "format": fmt.name,
        "file": path.relative_to(out_dir).as_posix(),
        "runtime": module.runtime(),
        "inputs": module.signature(path),
        "size_bytes": size_bytes(module.files(path) if hasattr(module, "files") else [path]),
    }
    unchecked = getattr(module, "cannot_check", None)
    reason = unchecked() if unchecked else None
    if fmt.parity == "none" and not reason:
        reason = f"{fmt.label} is not run here"
    if not reason:
        entry.update(check(fmt, module, path, data["inputs"], data["expected"]))
    if hasattr(module, "details"):
        entry.update(module.details(path))
    entry["export_seconds"] = round(time.perf_counter() - started, 2)
    return {**entry, "skipped": reason} if reason else entry


def export_data(model, cfg: Config, checkpoint: Path) -> dict:
    """What every format needs: a batch of 2 to trace (`example`), training examples to calibrate int8 on, and
    held-out examples (`inputs`) with the model's outputs (`expected`; None when model is None) to compare
    against. `model` is the network that ships (model.exported); the task's objective picks the examples
    (model.export_inputs: split tasks take them from the split recorded with the checkpoint)."""
    from ..evaluate import predict
    from ..model import export_inputs

    data = export_inputs(cfg, checkpoint, CALIBRATION_EXAMPLES, CHECK_EXAMPLES)
    return {**data, "expected": None if model is None else predict(model, data["inputs"])}


def write_manifest(out_dir: Path, entries: list[dict], class_names: list[str], checkpoint: Path) -> Path:
    """DIR/manifest.json, replaced atomically. Entries of other formats from the same checkpoint are kept."""
    path = out_dir / "manifest.json"
    kept: list[dict] = []
    if path.is_file():
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = {}
        if isinstance(old, dict) and old.get("framework") == FRAMEWORK and old.get("checkpoint") == str(checkpoint):
            done = {entry["format"] for entry in entries}
            kept = [e for e in old.get("artifacts", []) if isinstance(e, dict) and e.get("format") not in done]
    manifest = {
        "framework": FRAMEWORK,
        "deploy": DEPLOY_TARGET,
        "artifacts": kept + entries,
        "class_names": list(class_names),
        "checkpoint": str(checkpoint),
    }
    tmp = path.with_name(".manifest.json.tmp")
    tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def export(
    cfg: Config,
    checkpoint: str | Path | None = None,
    out_dir: str | Path = "exports",
    formats: list[str] | tuple[str, ...] | None = None,
    install: bool = False,
    report=None,
) -> dict:
    """Write the checkpoint (default: the run's best) in `formats` (default: this project's target) under
    out_dir, check each artifact, write the manifest; returns it. An export that raises or misses its tolerance
    is recorded with "failed" (the others still run). `install` lets formats install their outside tools
    (node packages, a converter venv); `report(entry)` is called as each artifact is done."""
    from ..model import exported
    from ..train import checkpoint_path, load_checkpoint

    chosen = resolve_formats(formats)
    checkpoint = Path(checkpoint) if checkpoint else checkpoint_path(cfg)
    if not checkpoint.is_file():
        raise FileNotFoundError(f"no checkpoint at {checkpoint}; train first: python -m {PACKAGE}.train")
    trained, trained_cfg, class_names = load_checkpoint(checkpoint)
    model = exported(trained)  # what ships: the model itself, or e.g. a VAE's decoder
    data = export_data(model, trained_cfg, checkpoint)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    entries, written = [], {}
    for fmt in chosen:
        try:
            entry = write_one(fmt, out_dir, model, data, written, install)
        except ParityError as error:
            entry = {"format": fmt.name, "file": fmt.artifact, "failed": str(error)}
        except Exception as error:  # noqa: BLE001 - one exporter failing must not hide the others' results
            entry = {"format": fmt.name, "failed": f"{type(error).__name__}: {error}".strip()}
        entries.append(entry)
        if report:
            report(entry)
    write_manifest(out_dir, entries, class_names, checkpoint)
    return {"artifacts": entries, "out_dir": str(out_dir)}


def outcome(entries: list[dict]) -> int:
    """0 when something was checked and nothing failed, else 1."""
    failed = any("failed" in entry for entry in entries)
    checked = any("max_abs_diff" in entry for entry in entries)
    return 0 if checked and not failed else 1


def describe(entry: dict, out_dir: Path) -> str:
    """One line per artifact for the console."""
    name = entry["format"]
    if "failed" in entry:
        return f"FAILED   {name}: {entry['failed']}"
    if "max_abs_diff" not in entry:
        where = f"{out_dir / entry['file']} " if "file" in entry else ""
        return f"skipped  {name}: {where}{entry['skipped']}"
    size = entry["size_bytes"] / 1e6
    extra = f", top-1 agreement {entry['top1_agreement']:.2f}" if "top1_agreement" in entry else ""
    return (
        f"ok       {name}: {out_dir / entry['file']} ({size:.2f} MB) checked with {entry['runtime']}: "
        f"max abs diff {entry['max_abs_diff']:.2g} <= {entry['tolerance']:.2g}{extra}"
    )


def list_formats() -> str:
    lines = [f"{'format':<12} {'artifact':<26} runtime"]
    for fmt in FORMATS.values():
        mark = "*" if fmt.name in TARGET_FORMATS else " "
        lines.append(f"{mark}{fmt.name:<11} {fmt.artifact:<26} {fmt.runtime}")
    lines.append(f"* written by default (deploy={DEPLOY_TARGET})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = cli.parser(__doc__, checkpoint=True)
    parser.add_argument(
        "--format", action="append", dest="formats", metavar="NAME",
        help=f"a format ({', '.join(FORMATS)}), {DEPLOY_TARGET!r} or 'list'; repeatable (default: {DEPLOY_TARGET})",
    )  # fmt: skip
    parser.add_argument("--out-dir", default="exports", help="where to write the exports (default: exports)")
    parser.add_argument(
        "--no-install", action="store_true",
        help="never install outside tools (node packages, the TF.js converter venv): skip those formats instead",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.formats and "list" in args.formats:
        print(list_formats())
        return 0
    try:
        resolve_formats(args.formats)
    except ValueError as error:
        parser.error(str(error))  # exits with status 2
    out_dir = Path(args.out_dir)
    result = export(
        cli.config_from_args(args), args.checkpoint, out_dir, args.formats, install=not args.no_install,
        report=lambda entry: print(describe(entry, out_dir), flush=True),
    )  # fmt: skip
    print(f"manifest: {out_dir / 'manifest.json'}")
    status = outcome(result["artifacts"])
    if status and not any("failed" in entry for entry in result["artifacts"]):
        print("error: nothing was checked (every artifact was skipped; see above)", file=sys.stderr)
    return status
{%- endraw %}
