"""The questionnaire: public ids and choices, validation shared by every input path, conditions."""

import textwrap

import pytest

from advisor.decide.questions import load_questionnaire, resolve
from advisor.errors import InputError, RulesError

PUBLIC_CONTRACT = {
    "goal": ["research", "prototype", "production", "education"],
    "deploy": ["none", "server", "batch", "android", "ios", "browser", "edge", "coral", "microcontroller"],
    "hardware": ["cpu", "nvidia", "amd", "apple", "intel", "tpu"],
    "os": ["linux", "windows", "macos"],
    "scale": ["single", "multi-gpu", "multi-node"],
    "task": ["vision", "nlp", "llm", "generative", "audio", "tabular", "rl", "other"],
    "experience": ["none", "pytorch", "tensorflow", "both"],
    "pretrained": ["yes", "no"],
    "browser_training": ["yes", "no"],
    "existing_stack": ["none", "pytorch", "tensorflow"],
}


def test_public_ids_and_choices_are_kept(ruleset):
    questionnaire = ruleset.questionnaire
    for question_id, choices in PUBLIC_CONTRACT.items():
        assert set(choices) <= set(questionnaire.get(question_id).values), question_id


def test_every_question_has_prompt_default_and_help_per_choice(ruleset):
    for question in ruleset.questionnaire.questions:
        assert question.prompt and question.default in question.values
        assert all(choice.help for choice in question.choices)


def test_browser_training_only_when_deploying_to_browser(ruleset):
    questionnaire = ruleset.questionnaire
    assert "browser_training" not in resolve(questionnaire, {}).answers
    assert resolve(questionnaire, {"deploy": "browser"}).answers["browser_training"] == "no"


@pytest.mark.parametrize("raw, expected", [("Server", "server"), (" batch ", "batch")])
def test_answers_are_normalised(ruleset, raw, expected):
    assert ruleset.questionnaire.get("deploy").validate(raw) == expected


@pytest.mark.parametrize("raw", [True, "yes", "YES"])
def test_yaml_booleans_read_as_yes(ruleset, raw):
    assert ruleset.questionnaire.get("pretrained").validate(raw) == "yes"


def test_bad_choice_names_question_and_allowed(ruleset):
    with pytest.raises(InputError) as caught:
        ruleset.questionnaire.get("deploy").validate("moon")
    assert str(caught.value) == (
        "deploy: 'moon' is not one of none, server, batch, android, ios, browser, edge, coral, microcontroller"
    )


def test_unknown_question(ruleset):
    with pytest.raises(InputError, match="unknown question 'gpu' \\(known: goal, deploy"):
        ruleset.questionnaire.get("gpu")


def write_questions(tmp_path, text):
    (tmp_path / "questions.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def test_when_may_only_look_back(tmp_path):
    rules = write_questions(tmp_path, """
        version: "t"
        frameworks: [pytorch]
        questions:
          - id: first
            prompt: p
            default: a
            when: {question: second, equals: b}
            choices: {a: x, b: y}
          - id: second
            prompt: p
            default: a
            choices: {a: x, b: y}
        """)
    with pytest.raises(RulesError, match=r"questions.yaml:8: first: unknown question 'second'"):
        load_questionnaire(rules)


def test_default_must_be_a_choice(tmp_path):
    rules = write_questions(tmp_path, """
        version: "t"
        frameworks: [pytorch]
        questions:
          - id: only
            prompt: p
            default: c
            choices: {a: x, b: y}
        """)
    with pytest.raises(RulesError, match="only: default 'c' is not one of its choices"):
        load_questionnaire(rules)
