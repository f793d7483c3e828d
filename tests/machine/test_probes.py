"""The probe files: real Python files run by path in a child interpreter, never imported by advisor."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from machine_fakes import write_exe

from advisor.machine import export_check, frameworks


@pytest.mark.parametrize("name", sorted(frameworks.PROBES))
def test_each_probe_prints_one_marked_json_object(name):
    """Installed or not, a framework's probe answers with JSON: its facts, or the reason it could not import."""
    result = subprocess.run(
        [sys.executable, str(frameworks.PROBES[name])], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr
    data = frameworks.marked_json(result.stdout)
    assert isinstance(data, dict) and data, result.stdout
    assert "error" in data or "version" in data


def test_a_missing_framework_probe_reports_the_import_error():
    if frameworks.installed_distributions().get("jax"):
        pytest.skip("jax is installed here")
    assert frameworks.probe_framework("jax")["error"].startswith("ModuleNotFoundError")


def test_installed_distributions_agree_in_and_out_of_process(tmp_path):
    # Another interpreter path (the same Python behind it), so the child probe answers, not this process.
    other = write_exe(tmp_path / "python", f'exec "{sys.executable}" "$@"\n')
    assert frameworks.installed_distributions(str(other)) == frameworks.installed_distributions()


def test_a_missing_interpreter_is_no_distributions_and_a_failed_probe(tmp_path):
    missing = str(tmp_path / "no-such-python")
    assert frameworks.installed_distributions(missing) == {}
    assert frameworks.probe_framework("torch", python=missing)["error"].startswith("cannot run:")


def test_advisor_imports_no_probe_and_no_framework():
    code = (
        "import sys, advisor.machine.doctor, advisor.ui.doctor\n"
        "print(sorted(m for m in sys.modules if m.endswith('_probe') or m.split('.')[0] in "
        "('torch', 'tensorflow', 'jax', 'keras')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_wizard_path_imports_no_catalogue_yaml_or_rich():
    # suggested_answers() runs before the wizard's first question: it must stay light.
    code = (
        "import sys, advisor.machine.detect\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('yaml', 'rich', 'torch', 'tensorflow') "
        "or m in ('advisor.catalog', 'advisor.machine.installs', 'advisor.machine.verdicts')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_probes_ship_in_the_wheel_and_run_from_it(tmp_path):
    repo = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(repo)],
        check=True, capture_output=True,
    )
    wheel = next(tmp_path.glob("advisor-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    probes = [*frameworks.PROBES.values(), frameworks.DISTRIBUTIONS_PROBE, export_check.MODULES_PROBE]
    assert {f"advisor/machine/probes/{path.name}" for path in probes} <= set(names)
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        check=True, capture_output=True,
    )
    code = (
        "import json, sys, advisor.machine.frameworks as f\n"
        "print(json.dumps([str(f.PROBES_DIR), f.installed_distributions(sys.argv[1]), f.probe_framework('jax')]))"
    )
    wrapper = write_exe(tmp_path / "python", f'exec "{sys.executable}" "$@"\n')  # another path: the child probe runs
    result = subprocess.run(
        [sys.executable, "-c", code, str(wrapper)], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True, text=True, check=True,
    )
    probes_dir, distributions, jax = json.loads(result.stdout)
    assert probes_dir == str(site / "advisor/machine/probes")
    assert distributions == frameworks.installed_distributions()
    assert "version" in jax or jax["error"].startswith("ModuleNotFoundError")  # the probe file itself was found
