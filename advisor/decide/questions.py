"""The questionnaire: questions as data (rules/questions.yaml), each validating its own answers.

The model knows nothing of any UI: the wizard, `--answer` flags and answers files all go through
`Question.validate`, so an answer is accepted or refused the same way whatever its source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.decide.conditions import Condition, ConditionProblem, condition_from_dict, matches, parse_condition
from advisor.decide.yamlfile import YamlProblem, kind_of, line_of, load_yaml, parse_rules_text
from advisor.errors import InputError, RulesError
from advisor.text import quoted, shorten

QUESTIONS_FILE = "questions.yaml"
# The public contract: other tools pass these ids (and the plan reads them); they are never renamed.
CONTRACT_IDS = ("goal", "deploy", "hardware", "os", "scale", "task", "experience", "pretrained", "existing_stack")


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
        if isinstance(raw, (Mapping, list, tuple, set)):
            raise InputError(f"{self.id}: must be one of {', '.join(self.values)}, got {kind_of(raw)}")
        value = normalise(raw)
        if value not in self.values and {"yes", "no"} <= set(self.values):
            # YAML 1.1 and JSON spellings of a boolean, read as text from answers files.
            value = {"true": "yes", "on": "yes", "false": "no", "off": "no"}.get(value, value)
        if value not in self.values:
            raise InputError(f"{self.id}: {quoted(value)} is not one of {', '.join(self.values)}")
        return value

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "prompt": self.prompt,
            "choices": [[choice.value, choice.help] for choice in self.choices],
            "default": self.default,
            "help": self.help,
            "when": None if self.when is None else self.when.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Any) -> Question:
        """The inverse of to_dict, checking every type; ValueError on anything else."""
        if not isinstance(data, dict) or set(data) != {"id", "prompt", "choices", "default", "help", "when"}:
            raise ValueError("not a question")
        texts = [data[key] for key in ("id", "prompt", "default", "help")]
        raw_choices = data["choices"]
        if not all(isinstance(text, str) for text in texts) or not isinstance(raw_choices, list):
            raise ValueError("not a question")
        choices: list[Choice] = []
        for item in raw_choices:
            if not (isinstance(item, list) and len(item) == 2 and all(isinstance(text, str) for text in item)):
                raise ValueError("not a choice")
            choices.append(Choice(item[0], item[1]))
        if data["default"] not in {choice.value for choice in choices}:
            raise ValueError("default is not a choice")
        when = None if data["when"] is None else condition_from_dict(data["when"])
        return cls(data["id"], data["prompt"], tuple(choices), data["default"], data["help"], when)


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
        raise InputError(f"unknown question {quoted(question_id)} (known: {', '.join(self.ids())})")

    def choices(self) -> dict[str, tuple[str, ...]]:
        return {question.id: question.values for question in self.questions}

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "frameworks": list(self.frameworks),
            "questions": [question.to_dict() for question in self.questions],
        }

    @classmethod
    def from_dict(cls, data: Any) -> Questionnaire:
        """The inverse of to_dict, checking every type; ValueError on anything else."""
        if not isinstance(data, dict) or set(data) != {"version", "frameworks", "questions"}:
            raise ValueError("not a questionnaire")
        version, frameworks, questions = data["version"], data["frameworks"], data["questions"]
        if not isinstance(version, str) or not isinstance(frameworks, list) or not isinstance(questions, list):
            raise ValueError("not a questionnaire")
        if not frameworks or not all(isinstance(name, str) for name in frameworks):
            raise ValueError("not a list of frameworks")
        return cls(version, tuple(frameworks), tuple(Question.from_dict(item) for item in questions))


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


def load_questionnaire(rules_dir: Path, content: bytes | None = None) -> Questionnaire:
    """Load and validate questions.yaml (or `content`, its bytes, already read); RulesError listing every problem."""
    from advisor.decide.yamlfile import decode

    path = rules_dir / QUESTIONS_FILE
    try:
        data = load_yaml(path) if content is None else parse_rules_text(decode(content, path), path)
    except OSError as error:
        raise RulesError([f"{path}:1: cannot read: {error.strerror or error}"]) from None
    except YamlProblem as problem:
        raise RulesError([str(problem)]) from None
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise RulesError([f"{path}:1: must be a mapping with version, frameworks and questions"])
    for key in data:
        if key not in ("version", "frameworks", "questions"):
            problems.append(f"{path}:{line_of(data)}: unknown key {quoted(key)}")
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
            label = raw.get("id") if isinstance(raw, Mapping) else None
            label = shorten(label) if isinstance(label, str) and label else "?"
            problems.append(f"{path}:{problem.line or line_of(raw)}: {label}: {problem}")
            continue
        if question.id in {q.id for q in questions}:
            problems.append(f"{path}:{line_of(raw, line_of(data))}: {question.id}: duplicate question id")
            continue
        questions.append(question)
    missing = [qid for qid in CONTRACT_IDS if qid not in {q.id for q in questions}]
    if missing and not problems:
        problems.append(f"{path}:{line_of(data)}: missing the contract's questions: {', '.join(missing)}")
    if problems:
        raise RulesError(problems)
    version = data.get("version", "")
    if not isinstance(version, (str, int, float)) or isinstance(version, bool):
        raise RulesError([f"{path}:{line_of(data)}: 'version' must be text, got {kind_of(version)}"])
    return Questionnaire(str(version), tuple(frameworks), tuple(questions))


def _parse_question(raw: Any, earlier: list[Question]) -> Question:
    if not isinstance(raw, Mapping):
        raise ConditionProblem("each question must be a mapping")
    line = line_of(raw)
    allowed = {"id", "prompt", "help", "choices", "default", "when"}
    for key in raw:
        if key not in allowed:
            raise ConditionProblem(f"unknown key {quoted(key)} (allowed: {', '.join(sorted(allowed))})", line)
    for key in ("id", "prompt", "choices", "default"):
        if key not in raw:
            raise ConditionProblem(f"missing '{key}'", line)
    for key in ("id", "prompt", "help"):
        if key in raw and not isinstance(raw[key], str):
            raise ConditionProblem(f"'{key}' must be text, got {kind_of(raw[key])}", line)
    raw_choices = raw["choices"]
    if not isinstance(raw_choices, Mapping) or not raw_choices:
        raise ConditionProblem("'choices' must map each choice to one line of help", line)
    for value, text in raw_choices.items():
        if not isinstance(value, (str, bool)) or not isinstance(text, str):
            raise ConditionProblem(f"choice {quoted(value)}: choices and their help must be text", line)
    choices = tuple(Choice(normalise(value), text) for value, text in raw_choices.items())
    default = normalise(raw["default"])
    if default not in {choice.value for choice in choices}:
        raise ConditionProblem(f"default '{shorten(default)}' is not one of its choices", line)
    when = None
    if "when" in raw:
        # A condition may only look at questions asked before this one.
        when = parse_condition(raw["when"], {q.id: q.values for q in earlier})
    return Question(
        id=raw["id"], prompt=raw["prompt"], choices=choices, default=default, help=raw.get("help", ""), when=when
    )
