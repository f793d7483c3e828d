"""The questionnaire: questions as data (rules/questions.yaml), each validating its own answers.

The model knows nothing of any UI: the wizard, `--answer` flags and answers files all go through
`Question.validate`, so an answer is accepted or refused the same way whatever its source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.decide.conditions import Condition, ConditionProblem, matches, parse_condition
from advisor.decide.yamlfile import YamlProblem, line_of, load_yaml
from advisor.errors import InputError, RulesError

QUESTIONS_FILE = "questions.yaml"


@dataclass(frozen=True)
class Choice:
    value: str
    help: str


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    choices: tuple[Choice, ...]
    default: str
    help: str = ""
    when: Condition | None = None

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(choice.value for choice in self.choices)

    def help_for(self, value: str) -> str:
        return next(choice.help for choice in self.choices if choice.value == value)

    def validate(self, raw: object) -> str:
        """Return the canonical answer or raise InputError naming the question and what is allowed."""
        value = normalise(raw)
        if value not in self.values:
            raise InputError(f"{self.id}: {value!r} is not one of {', '.join(self.values)}")
        return value


def normalise(raw: object) -> str:
    # YAML 1.1 turns bare yes/no into booleans; answers are words, compared case-insensitively.
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if raw is None:
        return ""
    return str(raw).strip().lower()


@dataclass(frozen=True)
class Questionnaire:
    version: str
    frameworks: tuple[str, ...]
    questions: tuple[Question, ...]

    def ids(self) -> tuple[str, ...]:
        return tuple(question.id for question in self.questions)

    def get(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise InputError(f"unknown question '{question_id}' (known: {', '.join(self.ids())})")

    def choices(self) -> dict[str, tuple[str, ...]]:
        return {question.id: question.values for question in self.questions}


@dataclass(frozen=True)
class Facts:
    """Answers resolved against the questionnaire: what evaluation sees."""

    answers: dict[str, str]  # relevant questions only, in questionnaire order
    provided: frozenset[str]  # ids the user answered (flag, file or wizard)
    defaulted: tuple[str, ...]  # relevant ids that took their default
    skipped: dict[str, str]  # id -> why it was not asked
    ignored: tuple[str, ...]  # ids the user answered although they did not apply


def is_relevant(question: Question, answers: Mapping[str, str]) -> bool:
    return question.when is None or matches(question.when, answers)


def resolve(questionnaire: Questionnaire, provided: Mapping[str, str]) -> Facts:
    """Fill defaults, drop questions whose `when` is false, and note what was defaulted or ignored."""
    answers: dict[str, str] = {}
    skipped: dict[str, str] = {}
    defaulted: list[str] = []
    ignored: list[str] = []
    for question in questionnaire.questions:
        if question.when is not None and not matches(question.when, answers):
            skipped[question.id] = f"not asked (only when {question.when.describe()})"
            if question.id in provided:
                ignored.append(question.id)
            continue
        if question.id in provided:
            answers[question.id] = provided[question.id]
        else:
            answers[question.id] = question.default
            defaulted.append(question.id)
    return Facts(answers, frozenset(provided), tuple(defaulted), skipped, tuple(ignored))


def load_questionnaire(rules_dir: Path) -> Questionnaire:
    """Load and validate questions.yaml; raises RulesError listing every problem."""
    path = rules_dir / QUESTIONS_FILE
    try:
        data = load_yaml(path)
    except OSError as error:
        raise RulesError([f"{path}: cannot read: {error.strerror}"]) from None
    except YamlProblem as problem:
        raise RulesError([str(problem)]) from None
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise RulesError([f"{path}: must be a mapping with version, frameworks and questions"])
    for key in data:
        if key not in ("version", "frameworks", "questions"):
            problems.append(f"{path}:{line_of(data)}: unknown key '{key}'")
    frameworks = data.get("frameworks")
    if not isinstance(frameworks, list) or not frameworks or not all(isinstance(f, str) for f in frameworks):
        problems.append(f"{path}:{line_of(data)}: 'frameworks' must be a list of names")
        frameworks = []
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        problems.append(f"{path}:{line_of(data)}: 'questions' must be a non-empty list")
        raw_questions = []
    questions: list[Question] = []
    for raw in raw_questions:
        try:
            question = _parse_question(raw, questions)
        except ConditionProblem as problem:
            label = raw.get("id", "?") if isinstance(raw, Mapping) else "?"
            problems.append(f"{path}:{problem.line or line_of(raw)}: {label}: {problem}")
            continue
        if question.id in {q.id for q in questions}:
            problems.append(f"{path}:{line_of(raw)}: {question.id}: duplicate question id")
            continue
        questions.append(question)
    if problems:
        raise RulesError(problems)
    return Questionnaire(str(data.get("version", "")), tuple(frameworks), tuple(questions))


def _parse_question(raw: Any, earlier: list[Question]) -> Question:
    if not isinstance(raw, Mapping):
        raise ConditionProblem("each question must be a mapping")
    line = line_of(raw)
    allowed = {"id", "prompt", "help", "choices", "default", "when"}
    for key in raw:
        if key not in allowed:
            raise ConditionProblem(f"unknown key '{key}' (allowed: {', '.join(sorted(allowed))})", line)
    for key in ("id", "prompt", "choices", "default"):
        if key not in raw:
            raise ConditionProblem(f"missing '{key}'", line)
    raw_choices = raw["choices"]
    if not isinstance(raw_choices, Mapping) or not raw_choices:
        raise ConditionProblem("'choices' must map each choice to one line of help", line)
    choices = tuple(Choice(normalise(value), str(text)) for value, text in raw_choices.items())
    default = normalise(raw["default"])
    if default not in {choice.value for choice in choices}:
        raise ConditionProblem(f"default '{default}' is not one of its choices", line)
    when = None
    if "when" in raw:
        # A condition may only look at questions asked before this one.
        when = parse_condition(raw["when"], {q.id: q.values for q in earlier})
    return Question(
        id=str(raw["id"]),
        prompt=str(raw["prompt"]),
        choices=choices,
        default=default,
        help=str(raw.get("help", "")),
        when=when,
    )
