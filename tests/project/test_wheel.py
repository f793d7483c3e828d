"""An installed wheel (not only the checkout) finds its rules and templates."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory):
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(work), str(REPO)],
        check=True,
        capture_output=True,
    )
    wheel = next(work.glob("advisor-*.whl"))
    target = work / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    return wheel, target


def test_wheel_ships_rules_and_templates(installed_wheel):
    wheel, _ = installed_wheel
    names = zipfile.ZipFile(wheel).namelist()
    assert "advisor/_data/rules/questions.yaml" in names
    assert any(name.startswith("advisor/_data/templates/project/") for name in names)
    assert not any("__pycache__" in name for name in names)


def test_recommend_runs_from_the_installed_wheel(installed_wheel, tmp_path):
    _, target = installed_wheel
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run(
        [sys.executable, "-c", "import advisor.resources as r; print(r.rules_dir())"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert where.startswith(str(target)), where  # the wheel's copy, not the checkout
    script = target / "bin" / "advisor"
    result = subprocess.run(
        [str(script), "recommend", "--json", "-a", "deploy=microcontroller"],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["framework"] == "tensorflow"


def test_new_from_the_installed_wheel_leaves_no_bytecode_in_the_project(installed_wheel, tmp_path):
    _, target = installed_wheel
    compiled = list((target / "advisor" / "_data" / "templates").rglob("*.pyc"))
    assert compiled, "pip byte-compiles the installed template: this test needs that to mean anything"
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [str(target / "bin" / "advisor"), "new", "p", "--no-input"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "p" / "pyproject.toml").is_file()
    assert not list((tmp_path / "p").rglob("__pycache__")), "the template's bytecode was copied into the project"
