"""`advisor doctor` through the real CLI, on this machine with its real framework probes."""

import json
import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import pytest

HEAVY_CHECK = textwrap.dedent("""
    import sys, io, contextlib
    from advisor import cli
    sys.argv = ["advisor", "doctor", sys.argv[1]]
    out, code = io.StringIO(), 0
    with contextlib.redirect_stdout(out):
        try:
            cli.main()
        except SystemExit as done:
            code = done.code or 0
    heavy = [m for m in ("torch", "tensorflow", "keras", "jax") if m in sys.modules]
    print(code, ",".join(heavy))
    print(out.getvalue())
""")
_REAL_RUNS: dict[str, tuple] = {}  # the real probes take seconds: both tests share one go


@pytest.fixture
def real_runs(advisor_cli, tmp_path_factory):
    """An nvidia and a cpu project, checked in parallel: `doctor DIR --json`, and `doctor DIR` in-process."""
    if "runs" not in _REAL_RUNS:
        root = tmp_path_factory.mktemp("doctor")
        for name, hardware in (("nv", "nvidia"), ("cpu", "cpu")):
            result = advisor_cli("new", str(root / name), "-a", f"hardware={hardware}", "--no-input")
            assert result.returncode == 0, result.stderr
        env = {"NO_COLOR": "1", "COLUMNS": "200"}
        with ThreadPoolExecutor(max_workers=2) as pool:
            as_json = pool.submit(advisor_cli, "doctor", str(root / "nv"), "--json")
            in_process = pool.submit(
                subprocess.run, [sys.executable, "-c", HEAVY_CHECK, str(root / "cpu")],
                capture_output=True, text=True, env={**os.environ, **env}, timeout=300,
            )
            _REAL_RUNS["runs"] = (root, as_json.result(), in_process.result())
    return _REAL_RUNS["runs"]


def test_doctor_json_against_an_nvidia_project_on_this_cpu_machine(real_runs):
    _, result, _ = real_runs
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"machine", "suggested_answers", "distributions", "frameworks", "findings", "project"}
    assert {"os", "python", "cpu", "gpus", "tools", "hardware", "apple_silicon", "tpu"} <= set(data["machine"])
    assert data["machine"]["hardware"] == ["cpu"] and data["suggested_answers"]["hardware"] == "cpu"
    assert all(set(f) == {"level", "message", "fix"} for f in data["findings"])
    torch = next(f for f in data["frameworks"] if f["name"] == "torch")
    assert torch["probed"] and torch["build"] == "cpu" and torch["sees"] == []
    project = data["project"]
    assert project["hardware"] == "nvidia" and project["framework"] == "pytorch" and project["ok"] is False
    # The export toolchain of its target (deploy=none: ONNX and torch.export), whatever is installed here.
    assert project["deploy"] == "none" and project["browser_training"] is False
    export = project["export"]
    assert [f["format"] for f in export["formats"]] == ["onnx", "pt2"]
    assert export["python"] == data["machine"]["python"]["executable"]
    assert all(f["level"] != "error" for f in export["findings"])
    [error] = [f for f in project["findings"] if f["level"] == "error"]
    assert error["message"] == (
        "project targets nvidia; no NVIDIA GPU found (nvidia-smi not found): its cuda smoke test will fail on this machine"
    )


def test_doctor_on_a_cpu_project_exits_0_and_imports_no_framework(real_runs):
    _, _, result = real_runs
    assert result.returncode == 0, result.stderr
    first, _, output = result.stdout.partition("\n")
    assert first.strip() == "0", first  # exit code 0, and no framework module imported in-process
    assert "Findings" in output and "advisor doctor" in output
    assert "targets cpu on linux" in output and "this machine can run it" in output
    assert "Export toolchain for deploy=none" in output
    assert "ERROR" not in output


def test_bad_dir_exits_2_with_one_line(tmp_path, advisor_cli):
    broken = tmp_path / "broken"
    (broken / ".advisor").mkdir(parents=True)
    (broken / ".advisor" / "answers.yaml").write_text("hardware: [unclosed\n")
    bad_hardware = tmp_path / "bad-hw"
    (bad_hardware / ".advisor").mkdir(parents=True)
    # The record is read whole first, so the framework must be known for the hardware answer to be judged.
    (bad_hardware / ".advisor" / "answers.yaml").write_text("framework: pytorch\nhardware: quantum\n")
    no_framework = tmp_path / "no-framework"
    (no_framework / ".advisor").mkdir(parents=True)
    (no_framework / ".advisor" / "answers.yaml").write_text("hardware: quantum\n")
    cases = {
        tmp_path / "missing": "is not a directory",
        tmp_path: "is not a generated project",
        broken: "is not valid YAML",
        bad_hardware: "hardware: 'quantum' is not one of",
        no_framework: "cannot tell the project's framework",
    }
    for directory, expected in cases.items():
        result = advisor_cli("doctor", str(directory))
        assert result.returncode == 2, (directory, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: DIR: ") and expected in lines[0], lines
        assert str(directory) in lines[0]
