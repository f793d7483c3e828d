"""The project record (.advisor/answers.yaml): written by advisor, read by doctor, smoke and replay."""

import os

import pytest
import yaml
from helpers.trees import tree_bytes

from advisor.errors import InputError
from advisor.project.record import ProjectRecord, parse_record, read_record, replay_input, yaml_quote


def sample(**changes):
    values = dict(
        name="Cats {{ 7*7 }}",
        description='Says "hi" \\ ü 🚀',
        framework="tensorflow",
        framework_source="user",
        recommended="pytorch",
        answers={"goal": "research", "deploy": "browser", "browser_training": "no", "hardware": "cpu"},
        defaulted=("browser_training", "hardware"),
        advisor_version="0.2.0",
        template_digest="sha256:abc",
        ruleset_version="2026.11",
    )
    values.update(changes)
    return ProjectRecord(**values)


def test_round_trip_keeps_every_field():
    record = sample()
    assert parse_record(yaml.safe_load(record.to_yaml()), "x") == record


@pytest.mark.parametrize(
    "text",
    ["plain", 'quote " and \\ backslash', "tab\tnew\nline", "line sep \u2028 nel \u0085", "emoji 🚀 ü", "{{ 7*7 }}",
     "yes", "null", "# not a comment", "- not a list", ""],
)
def test_quoted_text_reads_back_exactly(text):
    assert yaml.safe_load(f"v: {yaml_quote(text)}")["v"] == text


def test_every_answer_is_explicit_and_defaults_are_listed(tmp_path, advisor_cli):
    target = tmp_path / "p"
    result = advisor_cli("new", str(target), "-a", "task=vision", "-a", "deploy=browser", "--no-input")
    assert result.returncode == 0, result.stderr
    text = (target / ".advisor" / "answers.yaml").read_text()
    assert "\n# " not in text.split("answers:")[1], "no commented-out answers"
    data = yaml.safe_load(text)
    assert data["record"] == 2 and data["generated_by"] == "advisor"
    assert data["advisor"] and data["template"].startswith("sha256:") and data["rules"] == "2026.11"
    assert data["framework"] in ("pytorch", "tensorflow") and data["framework_source"] == "recommended"
    assert data["recommended"] == data["framework"]
    assert {"goal", "deploy", "browser_training", "hardware", "os", "scale", "task"} <= set(data["answers"])
    assert data["answers"]["task"] == "vision" and data["answers"]["deploy"] == "browser"
    assert "task" not in data["defaulted"] and "deploy" not in data["defaulted"]
    assert {"goal", "browser_training", "hardware"} <= set(data["defaulted"])


def test_user_choice_is_recorded_and_replayed(tmp_path, advisor_cli):
    first = tmp_path / "first"
    assert advisor_cli("new", str(first), "--framework", "tensorflow", "-a", "goal=research", "--no-input").returncode == 0
    record = read_record(first)
    assert record.framework == "tensorflow" and record.framework_source == "user"
    assert record.recommended == "pytorch" and record.framework_choice == "tensorflow"
    flat = replay_input(yaml.safe_load((first / ".advisor" / "answers.yaml").read_text()))
    assert flat["framework"] == "tensorflow" and flat["goal"] == "research" and "recorded_framework" not in flat
    assert flat["hardware"] == "cpu" and "hardware" in flat["defaulted"]


def test_an_edited_default_is_an_answer_and_is_validated(tmp_path, advisor_cli):
    first = tmp_path / "first"
    assert advisor_cli("new", str(first), "-a", "deploy=server", "--no-input").returncode == 0
    text = (first / ".advisor" / "answers.yaml").read_text()
    assert '  task: "vision"' in text and "task" in yaml.safe_load(text)["defaulted"]
    edited = tmp_path / "edited.yaml"
    edited.write_text(text.replace('  task: "vision"', '  task: "nlp"'))
    result = advisor_cli("new", str(tmp_path / "second"), "--answers", str(edited), "--no-input")
    assert result.returncode == 0, result.stderr
    replayed = read_record(tmp_path / "second")
    assert replayed.answers["task"] == "nlp" and "task" not in replayed.defaulted
    edited.write_text(text.replace('  task: "vision"', "  task: [a]"))
    result = advisor_cli("new", str(tmp_path / "third"), "--answers", str(edited), "--no-input")
    assert result.returncode == 2 and "task:" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "third").exists()


def test_replay_never_switches_a_recommended_framework_silently(tmp_path, advisor_cli):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "policy.yaml").write_text(
        "preferences:\n  - id: we-use-tf\n    scores: {tensorflow: 20}\n    reason: policy\n    source: internal\n"
    )
    first = tmp_path / "first"
    args = ["-a", "goal=research", "--no-input"]
    assert advisor_cli("new", str(first), "--rules", str(rules), *args).returncode == 0
    assert read_record(first).framework == "tensorflow"
    record = str(first / ".advisor" / "answers.yaml")
    result = advisor_cli("new", str(tmp_path / "plain"), "--answers", record, "--no-input")
    assert result.returncode == 2 and "now recommend pytorch" in result.stderr
    assert not (tmp_path / "plain").exists()
    same = tmp_path / "same"
    assert advisor_cli("new", str(same), "--answers", record, "--rules", str(rules), "--no-input").returncode == 0
    assert tree_bytes(first) == tree_bytes(same)
    switched = tmp_path / "switched"
    assert advisor_cli("new", str(switched), "--answers", record, "--framework", "auto", "--no-input").returncode == 0
    assert read_record(switched).framework == "pytorch"


def test_a_0_1_0_record_still_loads(tmp_path):
    (tmp_path / ".advisor").mkdir()
    (tmp_path / ".advisor" / "answers.yaml").write_text(
        "# Answers this project was generated from.\n# goal: \"prototype\"\ndeploy: \"server\"\n"
        "hardware: \"nvidia\"\nname: \"old\"\ndescription: \"d\"\nframework: \"auto\"\n"
    )
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "old"\ndependencies = ["torch>=2.6", "numpy"]\n')
    record = read_record(tmp_path)
    assert record.record_version == 1 and record.framework == "pytorch" and record.framework_source == "recommended"
    assert record.answers == {"deploy": "server", "hardware": "nvidia"}
    assert replay_input({"deploy": "server", "framework": "auto"}) == {"deploy": "server", "framework": "auto"}


@pytest.mark.parametrize(
    "data, message",
    [
        ({"record": 2, "answers": {}, "framework": "jax"}, "framework: 'jax' is not one of"),
        ({"record": "two", "answers": {}, "framework": "pytorch"}, "'record' must be a positive whole number"),
        ({"record": 2, "answers": {"a": "b"}, "framework": "pytorch", "defaulted": ["c"]}, "'c' is not among"),
        ({"record": 2, "answers": {}, "framework": "pytorch", "framework_source": "x"}, "framework_source"),
        (["a"], "must be a mapping"),
        ({"record": 99, "answers": {}, "framework": "pytorch"}, "newer than this advisor reads"),
        ({"record": 2, "answers": {}, "framework": "pytorch", "recommended": "jax"}, "recommended: 'jax'"),
        ({"record": 2, "answers": {}, "framework": "pytorch", "name": ["a"]}, "name: must be text"),
        ({"answers": {}, "framework": "pytorch"}, "'record' must be a positive whole number"),
    ],
)
def test_bad_records_name_the_field(data, message):
    with pytest.raises(InputError, match=message):
        parse_record(data, "f.yaml")


def test_missing_record_says_not_generated(tmp_path):
    with pytest.raises(InputError, match="not a generated project"):
        read_record(tmp_path)


@pytest.mark.parametrize(
    "pyproject",
    ['project = "x"\n', "project = [1]\n", "[project]\ndependencies = 5\n", "x = " + "[" * 5000 + "]" * 5000 + "\n",
     "fifo", "dev-zero", "not = valid = toml\n"],
)
def test_a_hostile_pyproject_only_means_the_framework_is_unknown(tmp_path, pyproject):
    from advisor.project.record import framework_from_dependencies

    path = tmp_path / "pyproject.toml"
    if pyproject == "fifo":
        os.mkfifo(path)
    elif pyproject == "dev-zero":
        path.symlink_to("/dev/zero")
    else:
        path.write_text(pyproject)
    assert framework_from_dependencies(tmp_path) is None
