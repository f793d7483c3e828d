"""Hostile answers files (issue 11): bounded, regular, alias-free, no duplicate keys, text taken as text."""

import json
import os
import textwrap
import time

import pytest
from helpers.hostile import BOMB

from advisor.decide.answers import collect, read_answers_file
from advisor.decide.yamlfile import MAX_USER_FILE_BYTES, read_user_yaml
from advisor.errors import InputError
from advisor.project.record import ProjectRecord, parse_record


def write(tmp_path, content, name="answers.yaml"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(textwrap.dedent(content), encoding="utf-8")
    return path


def refused(path, ruleset=None):
    with pytest.raises(InputError) as caught:
        if ruleset is None:
            read_answers_file(path)
        else:
            collect(ruleset.questionnaire, (), path)
    message = str(caught.value)
    assert message.startswith("--answers: ") and "\n" not in message and len(message) < 400, message
    return message


def test_alias_bomb_is_refused_fast(tmp_path):
    start = time.monotonic()
    assert refused(write(tmp_path, BOMB)).endswith("answers.yaml:2: aliases (*name) are not allowed")
    assert time.monotonic() - start < 2


def test_duplicate_keys_are_refused(tmp_path):
    message = refused(write(tmp_path, "deploy: server\ndeploy: batch\n"))
    assert message.endswith("answers.yaml:2: duplicate key 'deploy'")


def test_deep_nesting_is_refused(tmp_path):
    message = refused(write(tmp_path, "deploy: " + "[" * 100_000 + "]" * 100_000 + "\n"))
    assert "nested more than 50 levels deep" in message


def test_non_utf8_is_input_error_with_line(tmp_path):
    message = refused(write(tmp_path, b"goal: research\ndeploy: caf\xe9\n"))
    assert "answers.yaml:2: not UTF-8" in message


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "answers.yaml"
    os.mkfifo(fifo)
    start = time.monotonic()
    assert refused(fifo).endswith("is not a regular file")
    assert time.monotonic() - start < 2


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_devices_are_refused(device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    assert refused(device).endswith("is not a regular file")


def test_directory_is_refused(tmp_path):
    assert refused(tmp_path).endswith("is a directory")


def test_oversized_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "big.yaml"
    with open(path, "wb") as out:
        out.truncate(100 * 1024 * 1024)  # sparse: 100 MB that cost nothing
    assert refused(path).endswith("is larger than 1 MiB")
    path.write_text("goal: research\n" + "#" * MAX_USER_FILE_BYTES)
    assert refused(path).endswith("is larger than 1 MiB")


@pytest.mark.parametrize(
    "text, field, expected",
    [
        ("description: yes\n", "description", "yes"),
        ("description: 12:30:00\n", "description", "12:30:00"),
        ("name: 012\n", "name", "012"),
        ("name: 1e3\n", "name", "1e3"),
        ("description: 2024-01-01\n", "description", "2024-01-01"),
        ("description: ~\n", "description", None),
        ("description: null\n", "description", None),
        ('description: "null"\n', "description", "null"),
        ("framework: off\n", "framework", "off"),
    ],
)
def test_text_is_taken_as_text(tmp_path, ruleset, text, field, expected):
    collected = collect(ruleset.questionnaire, (), write(tmp_path, text))
    assert collected.settings.get(field) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("name: [a, b]\n", "--answers: name: must be text, got a list"),
        ("description: {a: b}\n", "--answers: description: must be text, got a mapping"),
        ("framework: [pytorch]\n", "--answers: framework: must be text, got a list"),
        ("deploy: [server]\n", "--answers: deploy: must be one of none, server, batch"),
        ("deploy: {server: 1}\n", "--answers: deploy: must be one of none, server,"),
        ("defaulted: deploy\n", "--answers: defaulted: must be a list of question ids, got text"),
        ("defaulted: [[deploy]]\n", "--answers: defaulted: must be a list of question ids, got a list"),
    ],
)
def test_lists_and_mappings_where_text_is_expected_are_refused(tmp_path, ruleset, text, message):
    assert refused(write(tmp_path, text), ruleset).startswith(message)


def test_huge_values_and_keys_are_not_echoed(tmp_path, ruleset):
    huge = "z" * 500_000
    assert "zzz'..." in refused(write(tmp_path, f"deploy: {huge}\n"), ruleset)
    assert "zzz'..." in refused(write(tmp_path, f"? {huge}\n: server\n"), ruleset)
    assert "unknown question" in refused(write(tmp_path, f"? {huge}\n: server\n"), ruleset)


def test_json_answers_still_work(tmp_path, ruleset):
    path = write(tmp_path, json.dumps(
        {"goal": "research", "pretrained": True, "deploy": None, "description": "yes", "name": "demo"}
    ), name="answers.json")
    collected = collect(ruleset.questionnaire, (), path)
    assert collected.answers == {"goal": "research", "pretrained": "yes"}  # null: as if absent
    assert collected.settings == {"description": "yes", "name": "demo"}


@pytest.mark.parametrize("spelling, answer", [("yes", "yes"), ("on", "yes"), ("true", "yes"), ("False", "no")])
def test_yaml_and_json_boolean_spellings_still_answer_yes_no_questions(tmp_path, ruleset, spelling, answer):
    collected = collect(ruleset.questionnaire, (), write(tmp_path, f"pretrained: {spelling}\n"))
    assert collected.answers["pretrained"] == answer


def test_a_record_round_trips_through_the_text_reader(tmp_path):
    record = ProjectRecord(
        name="012", description="yes", framework="pytorch", framework_source="recommended", recommended="pytorch",
        answers={"goal": "research", "pretrained": "yes"}, defaulted=("pretrained",), advisor_version="1.0",
        template_digest="0123", ruleset_version="2026.1",
    )
    path = write(tmp_path, record.to_yaml())
    data = read_user_yaml(path, "DIR", "missing")
    assert data["record"] == "2"
    assert parse_record(data, "DIR") == record


@pytest.mark.parametrize(
    "text, message",
    [
        ('record: "x"\nanswers: {}\nframework: pytorch\n', "'record' must be a positive whole number, got 'x'"),
        ("record: 0\nanswers: {}\nframework: pytorch\n", "'record' must be a positive whole number"),
        ("record: 99\nanswers: {}\nframework: pytorch\n", "record version 99 is newer"),
        ("record: 2\nanswers: {goal: [a]}\nframework: pytorch\n", "answers: goal: must be text, got a list"),
        ("record: 2\nanswers: {}\nframework: [pytorch]\n", "framework: must be text, got a list"),
        ("record: 2\nanswers: {}\nframework: pytorch\nname: [a]\n", "name: must be text, got a list"),
        ("record: 2\nanswers: {}\nframework: pytorch\ndefaulted: [[a]]\n", "'defaulted' must be a list"),
    ],
)
def test_record_errors_are_kept_with_text_values(tmp_path, text, message):
    data = read_user_yaml(write(tmp_path, text), "DIR", "missing")
    with pytest.raises(InputError, match=message.replace("[", r"\[")):
        parse_record(data, "DIR")


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp: tmp,
        lambda tmp: (os.mkfifo(tmp / "fifo"), tmp / "fifo")[1],
        lambda tmp: "/dev/zero",
        lambda tmp: write(tmp, b"x" * (2 * 1024 * 1024), "big.yaml"),
        lambda tmp: write(tmp, b"deploy: \xff\n", "latin.yaml"),
        lambda tmp: write(tmp, BOMB, "bomb.yaml"),
    ],
    ids=["directory", "fifo", "dev-zero", "big", "non-utf8", "bomb"],
)
def test_cli_answers_attacks_exit_2_with_one_line(tmp_path, advisor_cli, make):
    path = make(tmp_path)
    result = advisor_cli("recommend", "--answers", str(path))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and "--answers" in lines[0], result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
