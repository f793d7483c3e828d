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
from advisor.errors import InputError

PROJECT_KEYS = ("name", "description", "framework")


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
            raise InputError(f"--answer: {flag!r} is not KEY=VALUE (e.g. --answer deploy=server)")
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
    return {str(key): value for key, value in replay_input(data).items()}


def collect(
    questionnaire: Questionnaire,
    flags: Iterable[str] = (),
    answers_file: Path | None = None,
) -> CollectedAnswers:
    """Validated question answers (flags override the file) and the raw project settings."""
    raw: dict[str, Any] = read_answers_file(answers_file) if answers_file is not None else {}
    raw.update(parse_answer_flags(flags))
    answers: dict[str, str] = {}
    settings: dict[str, Any] = {}
    known = questionnaire.ids()
    for key, value in raw.items():
        if key in PROJECT_KEYS:
            settings[key] = value
            continue
        if key not in known:
            raise InputError(f"unknown question '{key}' (known: {', '.join(known)})")
        answers[key] = questionnaire.get(key).validate(value)
    return CollectedAnswers(answers, settings)
