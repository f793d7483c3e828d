"""Answers from `--answer KEY=VALUE` flags and `--answers FILE`, validated by the questionnaire.

An answers file is a YAML or JSON mapping of question ids to choices, or a project record
(`.advisor/answers.yaml`), which replays the answers its user gave plus the project settings
(name, description, framework) that `advisor new` uses; `recommend` ignores the settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.decide.questions import Questionnaire
from advisor.decide.yamlfile import kind_of
from advisor.errors import InputError
from advisor.text import quoted

PROJECT_KEYS = ("name", "description", "framework")
# What a record adds when replayed (advisor.project.record.replay_input): not answers, not settings either.
REPLAY_KEYS = ("defaulted", "recorded_framework")


@dataclass(frozen=True)
class CollectedAnswers:
    answers: dict[str, str]  # validated question answers (flags override the file)
    settings: dict[str, Any]  # raw project settings from the file or flags: name, description, framework


def parse_answer_flags(flags: Iterable[str]) -> dict[str, str]:
    """Turn ['goal=research', ...] into {'goal': 'research'}; values are validated later."""
    parsed: dict[str, str] = {}
    for flag in flags:
        key, sep, value = flag.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InputError(f"--answer: {quoted(flag)} is not KEY=VALUE (e.g. --answer deploy=server)")
        parsed[key] = value
    return parsed


def read_answers_file(path: Path) -> dict[str, Any]:
    """Read a YAML/JSON mapping (or a project record); a bad file is an InputError naming it."""
    from advisor.decide.yamlfile import read_user_yaml
    from advisor.project.record import replay_input

    data = read_user_yaml(path, "--answers", f"file not found: {path}")
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise InputError(f"--answers: {path} must be a mapping of question ids to choices")
    return {str(key): value for key, value in replay_input(data).items() if value is not None}


def collect(
    questionnaire: Questionnaire,
    flags: Iterable[str] = (),
    answers_file: Path | None = None,
    base: Mapping[str, Any] | None = None,
) -> CollectedAnswers:
    """Validated question answers (flags override the file, which overrides `base`) and the raw project
    settings. `base` is a replayed record (`advisor update`): what the file and flags give are changes to it."""
    from_file: dict[str, Any] = read_answers_file(answers_file) if answers_file is not None else {}
    flagged = parse_answer_flags(flags)
    raw: dict[str, Any] = dict(base or {})
    raw.update(from_file)
    raw.update(flagged)
    # Answers the user gave this time; a recorded default they restate is theirs now.
    given = set(flagged) | (set(from_file) if base is not None else set())
    answers: dict[str, str] = {}
    settings: dict[str, Any] = {}
    known = questionnaire.ids()
    for key, value in raw.items():
        source = "--answer" if key in flagged else "--answers" if key in from_file or base is None else "the record"
        if key in PROJECT_KEYS or key in REPLAY_KEYS:
            if key != "defaulted" and not isinstance(value, str):
                raise InputError(f"{source}: {key}: must be text, got {kind_of(value)}")
            settings[key] = value
            continue
        if key not in known:
            raise InputError(f"{source}: unknown question {quoted(key)} (known: {', '.join(known)})")
        try:
            answers[key] = questionnaire.get(key).validate(value)
        except InputError as error:
            raise InputError(f"{source}: {error}") from None
    defaulted = settings.pop("defaulted", None) or []
    if not isinstance(defaulted, list) or not all(isinstance(item, str) for item in defaulted):
        raise InputError(f"--answers: defaulted: must be a list of question ids, got {kind_of(defaulted)}")
    for question_id in defaulted:
        # A recorded default still at its default takes the default again; an edited one is an answer.
        at_default = question_id in answers and answers[question_id] == questionnaire.get(question_id).default
        if at_default and question_id not in given:
            del answers[question_id]
    return CollectedAnswers(answers, settings)
