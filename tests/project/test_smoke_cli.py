"""advisor smoke: summary, JSON and exit codes (quick cases; the real suites run in test_generated_smoke)."""

import json
import sys

from advisor.project.smoke import parse_junit

JUNIT = """<?xml version="1.0"?>
<testsuites><testsuite name="pytest" tests="3">
  <testcase classname="tests.test_device" name="test_cpu" time="0.01"/>
  <testcase classname="tests.test_device" name="test_cuda" time="0.02">
    <failure message="expected CUDA, found none; fix: install the CUDA wheel">trace</failure>
  </testcase>
  <testcase classname="tests.test_training" name="test_cuda_step" time="0">
    <skipped type="pytest.skip" message="needs CUDA: see test_cuda">skip</skipped>
  </testcase>
</testsuite></testsuites>"""


def test_parse_junit_keeps_reasons():
    results = parse_junit(JUNIT)
    assert [(r.name, r.outcome) for r in results] == [
        ("tests.test_device::test_cpu", "passed"),
        ("tests.test_device::test_cuda", "failed"),
        ("tests.test_training::test_cuda_step", "skipped"),
    ]
    assert results[1].message.startswith("expected CUDA") and results[2].message == "needs CUDA: see test_cuda"


def make_project(tmp_path, test_body):
    project = tmp_path / "tiny"
    (project / "tests").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\nmarkers = ["smoke: quick checks"]\naddopts = "--strict-markers"\n'
    )
    (project / "tests" / "test_it.py").write_text("import pytest\n\n" + test_body)
    return project


def test_smoke_json_and_exit_code_on_failure(tmp_path, advisor_cli):
    project = make_project(tmp_path, (
        "@pytest.mark.smoke\ndef test_ok():\n    assert True\n\n"
        "@pytest.mark.smoke\ndef test_bad():\n    assert 1 == 2, 'expected one, found two'\n\n"
        "@pytest.mark.smoke\ndef test_skip():\n    pytest.skip('no GPU here')\n\n"
        "def test_not_smoke():\n    assert False\n"
    ))
    result = advisor_cli("smoke", str(project), "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert (report["passed"], report["failed"], report["skipped"]) == (1, 1, 1)
    assert report["duration_s"] > 0
    messages = {t["name"].split("::")[-1]: t["message"] for t in report["tests"]}
    assert "expected one, found two" in messages["test_bad"] and messages["test_skip"] == "no GPU here"


def test_smoke_human_summary(tmp_path, advisor_cli):
    project = make_project(tmp_path, "@pytest.mark.smoke\ndef test_ok():\n    assert True\n")
    result = advisor_cli("smoke", str(project), "--python", sys.executable)
    assert result.returncode == 0
    assert "smoke OK: 1 passed, 0 failed, 0 skipped" in result.stdout


def test_no_smoke_tests_is_a_failure(tmp_path, advisor_cli):
    project = make_project(tmp_path, "def test_plain():\n    assert True\n")
    assert advisor_cli("smoke", str(project)).returncode == 1


def test_not_a_project_exits_2(tmp_path, advisor_cli):
    result = advisor_cli("smoke", str(tmp_path))
    assert result.returncode == 2 and "is not a generated project" in result.stderr


def test_missing_python_exits_2(tmp_path, advisor_cli):
    project = make_project(tmp_path, "@pytest.mark.smoke\ndef test_ok():\n    pass\n")
    result = advisor_cli("smoke", str(project), "--python", "/no/such/python")
    assert result.returncode == 2 and "--python: /no/such/python not found" in result.stderr
