"""The recommend/questions/rules CLI contract, run as real subprocesses."""

import json
import subprocess
import sys
import textwrap

import pytest

JSON_KEYS = {"framework", "scores", "margin", "confidence", "reasons", "constraints", "caveats", "flips", "defaulted"}


def test_recommend_json_contract(advisor_cli):
    result = advisor_cli("recommend", "--json", "--answer", "goal=research", "-a", "task=llm", "-a", "pretrained=yes")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= JSON_KEYS
    assert data["framework"] == "pytorch"
    assert data["confidence"] == "high"
    for reason in data["reasons"]:
        assert set(reason) >= {"rule", "framework", "weight", "reason", "source"}
    assert "goal" not in data["defaulted"] and "deploy" in data["defaulted"]
    assert len(data["trace"]) > len(data["reasons"])


def test_recommend_human_panel(advisor_cli):
    result = advisor_cli("recommend", "-a", "os=windows", "-a", "hardware=nvidia", "-a", "experience=none")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "advisor recommends PyTorch" in out
    assert "confidence" in out and "margin" in out
    assert "windows-native-cuda" in out and "pytorch.org" in out  # reason with its source
    assert "WSL2" in out  # the caveat for TensorFlow
    assert "What would flip it" in out
    assert "Defaulted:" in out


def test_recommend_explain_lists_unmatched_rules(advisor_cli):
    result = advisor_cli("recommend", "--explain")
    assert result.returncode == 0, result.stderr
    assert "coral-edgetpu-tflite" in result.stdout and "deploy = coral: no" in result.stdout


def test_answers_file_yaml_and_flags_override(tmp_path, advisor_cli):
    answers = tmp_path / "answers.yaml"
    answers.write_text("deploy: microcontroller\ntask: audio\npretrained: no\n", encoding="utf-8")
    result = advisor_cli("recommend", "--json", "--answers", str(answers))
    assert json.loads(result.stdout)["framework"] == "tensorflow"
    result = advisor_cli("recommend", "--json", "--answers", str(answers), "-a", "deploy=server")
    assert json.loads(result.stdout)["answers"]["deploy"] == "server"


def test_answers_file_json(tmp_path, advisor_cli):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"deploy": "browser", "browser_training": "yes"}), encoding="utf-8")
    result = advisor_cli("recommend", "--json", "--answers", str(answers))
    data = json.loads(result.stdout)
    assert data["framework"] == "tensorflow" and data["confidence"] == "decided by constraints"


@pytest.mark.parametrize(
    "args, message",
    [
        (["-a", "deploy=moon"], "deploy: 'moon' is not one of none, server, batch, android, ios, browser, edge, coral, microcontroller"),
        (["-a", "gpu=nvidia"], "unknown question 'gpu' (known: goal, deploy,"),
        (["-a", "deploy"], "--answer: 'deploy' is not KEY=VALUE"),
        (["--answers", "/no/such/answers.yaml"], "--answers: file not found: /no/such/answers.yaml"),
        (["--rules", "/no/such/dir"], "--rules: '/no/such/dir' is not a directory"),
    ],
)
def test_bad_input_exits_2_with_one_line(advisor_cli, args, message):
    result = advisor_cli("recommend", *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    "content, message",
    [
        ("deploy: [unclosed\n", "answers.yaml:2: is not valid YAML or JSON"),
        ("- a\n- b\n", "must be a mapping of question ids to choices"),
        ("deploy: moon\n", "deploy: 'moon' is not one of"),
    ],
)
def test_malformed_answers_file_exits_2(tmp_path, advisor_cli, content, message):
    answers = tmp_path / "answers.yaml"
    answers.write_text(content, encoding="utf-8")
    result = advisor_cli("recommend", "--answers", str(answers))
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_questions_json_lists_everything(advisor_cli):
    result = advisor_cli("questions", "--json")
    assert result.returncode == 0
    data = {q["id"]: q for q in json.loads(result.stdout)}
    assert data["browser_training"]["when"] == "deploy = browser"
    assert data["deploy"]["default"] == "none"
    assert {"value": "coral", "help": "a Google Coral Edge TPU"} in data["deploy"]["choices"]


def test_questions_table(advisor_cli):
    result = advisor_cli("questions")
    assert result.returncode == 0 and "browser_training" in result.stdout and "deploy = browser" in result.stdout


def test_rules_check_ok_and_with_user_dir(tmp_path, advisor_cli):
    assert advisor_cli("rules", "check").returncode == 0
    good = tmp_path / "good"
    good.mkdir()
    (good / "org.yaml").write_text(textwrap.dedent("""
        preferences:
          - id: org-pytorch
            scores: {pytorch: 5}
            reason: House standard.
            source: policy 2026
        """), encoding="utf-8")
    result = advisor_cli("rules", "check", "--rules", str(good))
    assert result.returncode == 0 and str(good) in result.stdout


def test_rules_check_lists_every_problem_and_exits_1(tmp_path, advisor_cli):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.yaml").write_text("preferences:\n  - id: x\n    scores: {jax: 1}\n    reason: r\n    source: s\n")
    (bad / "b.yaml").write_text("constraints:\n  - id: y\n    effect: ban\n    reason: r\n    source: s\n")
    result = advisor_cli("rules", "check", "--rules", str(bad))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{bad / 'a.yaml'}:3: x: unknown framework 'jax'")
    assert lines[1].startswith(f"{bad / 'b.yaml'}:2: y: 'effect' must be one of exclude, caveat")


def test_recommend_imports_no_heavy_modules():
    code = textwrap.dedent("""
        import sys, io, contextlib
        from advisor import cli
        sys.argv = ["advisor", "recommend", "-a", "task=llm"]
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                cli.main()
            except SystemExit as done:
                assert done.code in (0, None), done.code
        heavy = [m for m in ("torch", "tensorflow", "keras", "cookiecutter", "questionary", "jinja2") if m in sys.modules]
        print(",".join(heavy))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_version(advisor_cli):
    from advisor import __version__

    result = advisor_cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"advisor {__version__}"


def test_why_not_shows_the_changes_and_blockers_in_text_and_json(advisor_cli):
    args = ("recommend", "-a", "deploy=browser", "-a", "browser_training=yes", "--why-not", "pytorch")
    data = json.loads(advisor_cli(*args, "--json").stdout)["why_not"]
    assert data["framework"] == "pytorch" and not data["already_recommended"]
    assert [blocker["rule"] for blocker in data["blockers"]] == ["browser-training-needs-tfjs"]
    assert data["changes"] and all(change["margin"] >= 0 for change in data["changes"])
    text = advisor_cli(*args)
    assert text.returncode == 0 and "Why not PyTorch" in text.stdout and "browser-training-needs-tfjs" in text.stdout
    flat = " ".join(text.stdout.split())
    assert data["changes"][0]["text"] in flat
    # The change that lifts the constraint leads, and the text says what it leaves out; --json lists all.
    assert data["changes"][0]["text"] == "browser_training: yes -> no"
    assert data["changes"][0]["lifts"] == ["browser-training-needs-tfjs"]
    assert len(data["changes"]) == data["found"] > 5
    assert f"(showing 5 of {data['found']}; --json lists all)" in flat
    assert all(change["text"] not in flat for change in data["changes"][5:])


def test_why_not_an_unknown_framework_is_bad_input(advisor_cli):
    result = advisor_cli("recommend", "--why-not", "jax")
    assert result.returncode == 2 and result.stderr.strip() == "error: --why-not: 'jax' is not one of pytorch, tensorflow"


def test_json_carries_the_oldest_check_date(advisor_cli):
    from advisor.decide.rules import load_ruleset

    data = json.loads(advisor_cli("recommend", "--json").stdout)
    assert data["oldest_check"] == load_ruleset().oldest_check.isoformat()
