"""Every generated project's smoke suite, run for real with torch 2.13 CPU and tensorflow-cpu 2.21."""

import json

import pytest
from helpers.cli import FRAMEWORKS, TASKS

pytestmark = pytest.mark.slow


def smoke_json(advisor_cli, project):
    result = advisor_cli("smoke", str(project), "--json")
    assert result.stdout, result.stderr
    return result.returncode, json.loads(result.stdout)


def generate(tmp_path, advisor_cli, framework, *answers):
    project = tmp_path / "project"
    args = [arg for answer in answers for arg in ("-a", answer)]
    result = advisor_cli("new", str(project), "--framework", framework, *args, "--no-input")
    assert result.returncode == 0, result.stderr
    return project


def by_name(report):
    return {test["name"].split("::")[-1]: test for test in report["tests"]}


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("task", TASKS)
def test_cpu_project_smoke_passes(generated, advisor_cli, framework, task):
    code, report = smoke_json(advisor_cli, generated[framework, task])
    failures = [t for t in report["tests"] if t["outcome"] in ("failed", "error")]
    assert code == 0 and failures == [], failures
    assert report["passed"] >= 6 and report["skipped"] == 0
    modules = {test["name"].split("::")[0].rsplit(".", 1)[-1] for test in report["tests"]}
    assert {"test_device", "test_training", "test_learning", "test_data", "test_checkpoint", "test_export"} <= modules
    names = " ".join(by_name(report))
    for kind in ("learns", "overfit", "independent_computation", "resume", "every_batch", "new_order"):
        assert kind in names, (kind, names)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_accelerator_target_fails_clearly_without_the_gpu(tmp_path, advisor_cli, framework):
    project = generate(tmp_path, advisor_cli, framework, "hardware=nvidia", "task=tabular")
    code, report = smoke_json(advisor_cli, project)
    assert code == 1
    failed = [t for t in report["tests"] if t["outcome"] == "failed"]
    assert len(failed) == 1, failed  # only the accelerator check; CPU tests still pass
    message = failed[0]["message"].lower()
    assert "expected" in message and "found" in message and "fix" in message
    skipped = [t for t in report["tests"] if t["outcome"] == "skipped"]
    assert skipped and all(t["message"] for t in skipped)
    assert report["passed"] >= 6


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_multi_gpu_project_runs_distributed_on_two_cpu_processes(tmp_path, advisor_cli, framework):
    project = generate(tmp_path, advisor_cli, framework, "scale=multi-gpu", "task=tabular")
    assert (project / "scripts" / "launch_multi_gpu.sh").is_file()
    assert not (project / "scripts" / "launch_multi_node.sbatch").exists()
    code, report = smoke_json(advisor_cli, project)
    assert code == 0, report
    assert any("distributed" in t["name"] and t["outcome"] == "passed" for t in report["tests"]), report["tests"]
