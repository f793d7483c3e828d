"""Every deployment target's exports in both frameworks: a generated project trains briefly on the CPU, then
`python -m <package>.export` writes what the target ships and checks each artifact in its own runtime.

What cannot run on this machine must be skipped with the command or platform that would enable it, never
silently: Core ML predicts only on macOS, edgetpu_compiler and trtexec are not installable here."""

import json
import os
import subprocess
import sys

import pytest
from helpers.cli import FRAMEWORKS, TASKS

from advisor.catalog import load_catalog

pytestmark = pytest.mark.slow

CATALOG = load_catalog()
# Formats this machine cannot check, and a word their skip reason must hold.
CANNOT_RUN_HERE = {"coreml": "macOS", "edgetpu": "edgetpu_compiler", "tensorrt": "trtexec"}
# One task per (framework, target), rotating, so every task meets every framework and many targets.
ROWS = [
    (framework, target, TASKS[(i + j) % len(TASKS)])
    for j, framework in enumerate(FRAMEWORKS)
    for i, target in enumerate(CATALOG.deploy)
]
TRAIN_AND_EXPORT = """
import dataclasses, json, sys
from pathlib import Path
from conftest import tiny_config
from {package}.train import train
from {package}.export import export, outcome
cfg = dataclasses.replace(tiny_config(Path("run")), num_samples=320, epochs=4)  # as conftest's trained_run
train(cfg)
result = export(cfg, out_dir="exports", install={install})
print(json.dumps(result))
sys.exit(outcome(result["artifacts"]))
"""


def default_exports(framework: str, deploy: str) -> list[str]:
    """What `export` writes with no --format: the target's formats, each after the format it is made from."""
    names: list[str] = []
    for name in CATALOG.deploy[deploy].formats[framework]:
        names += [n for n in (CATALOG.formats[name].source, name) if n and n not in names]
    return names


def unsupported(framework: str, deploy: str, task: str) -> dict[str, str]:
    """Default formats that cannot hold the task's model, with a word their skip reason must hold."""
    template = CATALOG.tasks[task].template
    gaps = {name: "not for this model" for name in default_exports(framework, deploy)
            if template in CATALOG.formats[name].unsupported}
    for name in default_exports(framework, deploy):  # made from a skipped format: skipped too
        if CATALOG.formats[name].source in gaps:
            gaps.setdefault(name, "was not written")
    return gaps


@pytest.fixture(scope="module")
def tools_dir(tmp_path_factory):
    """Outside tools (node packages) for the whole module, set up once by the first export that needs them."""
    return tmp_path_factory.mktemp("export-tools")


@pytest.mark.parametrize(("framework", "deploy", "task"), ROWS, ids=["-".join(row) for row in ROWS])
def test_target_exports_are_checked_in_their_own_runtimes(tmp_path, advisor_cli, tools_dir, framework, deploy, task):
    project = tmp_path / "project"
    answers = ["-a", f"deploy={deploy}", "-a", f"task={task}"]
    result = advisor_cli("new", str(project), "--framework", framework, *answers, "--no-input")
    assert result.returncode == 0, result.stderr
    (package,) = [path.name for path in (project / "src").iterdir() if path.is_dir()]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "EXPORT_TOOLS_DIR": str(tools_dir), "PYTHONPATH": "src"}
    run = subprocess.run(
        [sys.executable, "-c", TRAIN_AND_EXPORT.format(package=package, install=True)],
        cwd=project, capture_output=True, text=True, env=env, timeout=900,
    )
    assert run.stdout.strip(), run.stderr[-3000:]
    entries = {entry["format"]: entry for entry in json.loads(run.stdout.strip().splitlines()[-1])["artifacts"]}
    assert list(entries) == default_exports(framework, deploy)
    gaps = unsupported(framework, deploy, task)
    checkable = [n for n in entries if n not in gaps and n not in CANNOT_RUN_HERE]
    # Nothing checked is a failure (exit 1), also when the model cannot take the target's formats.
    assert run.returncode == (0 if checkable else 1), json.dumps(entries, indent=1) + run.stderr[-3000:]
    for name, entry in entries.items():
        assert "failed" not in entry, entry
        if name in gaps:
            assert gaps[name] in entry.get("skipped", ""), entry
            continue
        if name in CANNOT_RUN_HERE:
            assert CANNOT_RUN_HERE[name] in entry.get("skipped", ""), entry
            continue
        assert "skipped" not in entry, entry
        assert entry["max_abs_diff"] <= entry["tolerance"] and entry["size_bytes"] > 0, entry
        assert (project / "exports" / entry["file"]).exists(), entry
    manifest = json.loads((project / "exports" / "manifest.json").read_text())
    assert manifest["framework"] == framework and manifest["deploy"] == deploy
    assert [entry["format"] for entry in manifest["artifacts"]] == list(entries)
