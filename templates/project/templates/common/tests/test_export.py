"""Every export format of this project's deployment target ({{ cookiecutter.deploy }}) is written from a trained
checkpoint, run in its own runtime and matches the model within its tolerance; the parity check does catch an
artifact that differs. A format whose outside tool is absent here skips and says what would enable it."""
{% raw %}
import json

import pytest
{% endraw %}
from {{ cookiecutter.package }} import export as exporting
from {{ cookiecutter.package }} import metrics
from {{ cookiecutter.package }}.evaluate import predict
from {{ cookiecutter.package }}.model import build_model, exported
from {{ cookiecutter.package }}.train import checkpoint_path
{% raw %}

def _marks(fmt):
    return [pytest.mark.slow] if fmt.slow else [pytest.mark.smoke]


# The target's formats and the baseline format, each with what it is made from.
FORMATS = [pytest.param(fmt.name, marks=_marks(fmt)) for fmt in exporting.FORMATS.values()]


def _export(trained_run, out_dir, name):
    """Export one format (and its source) from the trained run; skips when a tool is missing here."""
    cfg, _ = trained_run
    fmt = exporting.FORMATS[name]
    for needed in filter(None, (fmt.source, name)):
        if exporting.FORMATS[needed].unsupported:
            pytest.skip(f"{needed} is not for this model: {exporting.FORMATS[needed].unsupported}")
        module = exporting.FORMATS[needed].module()
        missing = exporting.missing_modules(module)
        if missing:
            pytest.skip(f"{needed} needs {', '.join(missing)}: pip install -e '.[dev]'")
        reason = module.prepare(False) if hasattr(module, "prepare") else None  # never downloads in tests
        if reason:
            pytest.skip(f"{needed}: {reason}")
    result = exporting.export(cfg, checkpoint_path(cfg), out_dir, [name])
    entry = result["artifacts"][-1]
    assert entry["format"] == name and "failed" not in entry, entry
    return cfg, fmt, entry


@pytest.mark.parametrize("name", FORMATS)
def test_export_matches_the_model_in_its_own_runtime(trained_run, tmp_path, name):
    _, fmt, entry = _export(trained_run, tmp_path, name)
    path = tmp_path / entry["file"]
    assert path.exists() and entry["size_bytes"] > 0
    if "skipped" in entry:  # written, but this machine cannot run it (e.g. Core ML off macOS)
        pytest.skip(f"{name} written to {path}; not checked here: {entry['skipped']}")
    assert entry["runtime"] and entry["inputs"] and all({"name", "shape", "dtype"} <= set(i) for i in entry["inputs"])
    assert 0.0 <= entry["max_abs_diff"] <= entry["tolerance"]
    if fmt.parity == "int8" and metrics.TOP1_AGREEMENT:  # class scores must keep their top class
        assert entry["top1_agreement"] >= fmt.min_agreement
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["framework"] == exporting.FRAMEWORK and manifest["deploy"] == exporting.DEPLOY_TARGET
    assert entry in manifest["artifacts"]


@pytest.mark.parametrize("name", [p for p in FORMATS if exporting.FORMATS[p.values[0]].parity != "none"])
def test_parity_check_catches_an_artifact_that_differs(trained_run, tmp_path, name, monkeypatch):
    cfg, fmt, entry = _export(trained_run, tmp_path, name)
    if "skipped" in entry:
        pytest.skip(f"{name} cannot run here: {entry['skipped']}")
    module, path = fmt.module(), tmp_path / entry["file"]
    inputs = exporting.export_data(None, cfg, checkpoint_path(cfg))["inputs"]
    if fmt.parity == "reference":  # compared with another runtime: a step beyond the tolerance must fail
        reference, steps = module.reference, fmt.tolerance + 1
        monkeypatch.setattr(module, "reference", lambda p, x: reference(p, x) + steps * module.output_scale(p))
        expected = None
    else:  # another model's outputs (other random weights) must not pass for this artifact's
        expected = predict(exported(build_model(cfg)), inputs)
    with pytest.raises(exporting.ParityError, match="differs"):
        exporting.check(fmt, module, path, inputs, expected)


@pytest.mark.smoke
def test_target_formats_and_names():
    assert [f.name for f in exporting.resolve_formats(None)][-1] == exporting.TARGET_FORMATS[-1]
    assert set(exporting.TARGET_FORMATS) <= set(exporting.FORMATS)
    for fmt in exporting.resolve_formats(list(exporting.FORMATS)):
        assert fmt.source is None or fmt.source in exporting.FORMATS
    with pytest.raises(ValueError, match="unknown format"):
        exporting.resolve_formats(["no-such-format"])
    for name in exporting.OTHER_FORMATS:
        with pytest.raises(ValueError, match="not part of this project"):
            exporting.resolve_formats([name])


@pytest.mark.smoke
def test_nothing_checked_is_a_failure():
    assert exporting.outcome([{"format": "x", "skipped": "no tool"}]) == 1
    assert exporting.outcome([{"format": "x", "max_abs_diff": 0.0}, {"format": "y", "failed": "boom"}]) == 1
    assert exporting.outcome([{"format": "x", "max_abs_diff": 0.0}, {"format": "y", "skipped": "no tool"}]) == 0
{%- endraw %}
