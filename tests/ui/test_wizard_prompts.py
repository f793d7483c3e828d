"""Each wizard prompt on its own, driven through prompt_toolkit pipe input (no terminal needed)."""

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from advisor.decide.answers import parse_answer_flags
from advisor.errors import Aborted, InputError
from advisor.project.settings import DEFAULT_DESCRIPTION
from advisor.ui import wizard

DOWN, ENTER, CTRL_C, BACKSPACE = "\x1b[B", "\r", "\x03", "\x7f"


def answer(prompt_factory, keys, *args, **kwargs):
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        return wizard.ask(prompt_factory(*args, input=pipe, output=DummyOutput(), **kwargs))


def test_question_prompt_enter_takes_the_default(ruleset):
    deploy = ruleset.questionnaire.get("deploy")
    assert answer(wizard.question_prompt, ENTER, deploy, "server") == "server"


def test_question_prompt_arrows_move_to_the_next_choice(ruleset):
    deploy = ruleset.questionnaire.get("deploy")
    assert answer(wizard.question_prompt, DOWN + DOWN + ENTER, deploy, "none") == "batch"


def test_every_choice_shows_its_help_line(ruleset, monkeypatch):
    import questionary

    captured = {}
    monkeypatch.setattr(questionary, "select", lambda message, choices, **kw: captured.update(choices=choices))
    question = ruleset.questionnaire.get("hardware")
    wizard.question_prompt(question, "cpu")
    for built, choice in zip(captured["choices"], question.choices, strict=True):
        assert built.value == choice.value and choice.help in built.title


def test_invalid_name_is_re_asked_with_the_reason():
    keys = "123" + ENTER + BACKSPACE * 3 + "cats" + ENTER
    assert answer(wizard.name_prompt, keys, "") == "cats"


def test_name_validator_message_is_the_reason():
    validate = wizard._validator(wizard.validate_name)
    assert validate("cats") is True
    assert "must start with a letter" in validate("123")


def test_directory_prompt_refuses_a_non_empty_directory(tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "file.txt").write_text("x")
    validate = wizard._validator(wizard.check_directory)
    assert "is not empty" in validate(str(tmp_path / "busy"))
    assert validate(str(tmp_path / "fresh")) is True


def test_ctrl_c_aborts_with_exit_130(ruleset):
    with pytest.raises(Aborted) as caught:
        answer(wizard.question_prompt, CTRL_C, ruleset.questionnaire.get("goal"), "prototype")
    assert caught.value.exit_code == 130 and str(caught.value) == "aborted, nothing written"


CTRL_D = "\x04"


@pytest.mark.parametrize("kind", ["select", "confirm", "text"])
def test_ctrl_d_aborts_every_kind_of_prompt(ruleset, kind):
    prompts = {
        "select": (wizard.question_prompt, ruleset.questionnaire.get("goal"), "prototype"),
        "confirm": (wizard.confirm_prompt, "Run the smoke tests now?", True),
        "text": (wizard.description_prompt,),
    }
    factory, *args = prompts[kind]
    with pytest.raises(Aborted) as caught:
        answer(factory, CTRL_D + ENTER, *args)  # without the binding, Enter would answer
    assert caught.value.exit_code == 130 and str(caught.value) == "aborted, nothing written"


UP = "\x1b[A"


def test_given_answers_are_not_asked_and_conditions_apply(ruleset):
    given = {"goal": "research", "deploy": "browser", "hardware": "cpu", "os": "linux", "scale": "single",
             "task": "vision", "experience": "none", "pretrained": "no", "existing_stack": "none"}
    with create_pipe_input() as pipe:
        pipe.send_text(UP + ENTER)  # the only prompt: browser_training, from its default 'no' up to 'yes'
        answers = wizard.ask_questions(ruleset.questionnaire, given, {}, input=pipe, output=DummyOutput())
    assert answers == dict(given, browser_training="yes")


def test_conditional_question_skipped_when_not_relevant(ruleset):
    given = {"goal": "research", "deploy": "server", "hardware": "cpu", "os": "linux", "scale": "single",
             "task": "vision", "experience": "none", "pretrained": "no", "existing_stack": "none"}
    with create_pipe_input() as pipe:  # nothing to ask: any prompt would block on empty input
        pipe.send_text("")
        answers = wizard.ask_questions(ruleset.questionnaire, given, {}, input=pipe, output=DummyOutput())
    assert answers == given


def test_detected_defaults_are_prefilled(ruleset):
    given = {q.id: q.default for q in ruleset.questionnaire.questions if q.id not in ("hardware", "browser_training")}
    with create_pipe_input() as pipe:
        pipe.send_text(ENTER)
        answers = wizard.ask_questions(ruleset.questionnaire, given, {"hardware": "nvidia"}, input=pipe,
                                       output=DummyOutput())
    assert answers["hardware"] == "nvidia"


def test_equivalent_command_round_trips_through_the_flags(tmp_path):
    choices = wizard.WizardChoices(
        {"goal": "research", "task": "nlp"}, "tensorflow", "Cat's project", "Finds cats; fast", tmp_path / "my dir"
    )
    command = wizard.equivalent_command(choices)
    import shlex

    words = shlex.split(command)
    assert words[:4] == ["advisor", "new", str(tmp_path / "my dir"), "--no-input"]
    flags = [words[i + 1] for i, w in enumerate(words) if w == "--answer"]
    assert parse_answer_flags(flags) == {"goal": "research", "task": "nlp"}
    assert words[words.index("--framework") + 1] == "tensorflow"
    assert words[words.index("--name") + 1] == "Cat's project"
    assert words[words.index("--description") + 1] == "Finds cats; fast"


def test_equivalent_command_omits_defaults(tmp_path):
    choices = wizard.WizardChoices({"goal": "research"}, "auto", "cats", DEFAULT_DESCRIPTION, tmp_path)
    command = wizard.equivalent_command(choices)
    assert "--framework" not in command and "--description" not in command


def test_require_terminal_refuses_pipes(monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(InputError, match="pass --no-input"):
        wizard.require_terminal()


def test_ctrl_c_at_the_smoke_prompt_says_the_project_exists(ruleset, tmp_path):
    from advisor.project.create import ProjectRequest, create_project
    from advisor.project.settings import project_settings

    created = create_project(ruleset, ProjectRequest(tmp_path / "p", {}, project_settings("p-smoke")))
    with create_pipe_input() as pipe, pytest.raises(Aborted) as caught:
        pipe.send_text(CTRL_C)
        wizard.finish_wizard(created, tmp_path / "p", {}, input=pipe, output=DummyOutput())
    assert caught.value.exit_code == 130
    assert str(caught.value) == f"aborted; the project in {created.path} is complete, only the smoke run stopped"
    assert (created.path / "pyproject.toml").is_file()
