"""Answers from `--answer KEY=VALUE` flags and `--answers FILE`, validated by the questionnaire.

An answers file is a YAML or JSON mapping of question ids to choices. It may also carry the project
settings `advisor new` stores for replay (name, description, framework); `recommend` ignores those.
"""

from collections.abc import Iterable, Mapping
from pathlib import Path

from advisor.errors import InputError
from advisor.questions import Questionnaire

PROJECT_KEYS = ("name", "description", "framework")


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


def read_answers_file(path: Path) -> dict:
    """Read a YAML/JSON mapping; a missing, unreadable or malformed file is an InputError naming it."""
    import yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"--answers: file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"--answers: cannot read {path}: {getattr(error, 'strerror', None) or error}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise InputError(f"--answers: {path} is not valid YAML or JSON{where}") from None
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise InputError(f"--answers: {path} must be a mapping of question ids to choices")
    return {str(key): value for key, value in data.items()}


def collect(
    questionnaire: Questionnaire,
    flags: Iterable[str] = (),
    answers_file: Path | None = None,
) -> tuple[dict[str, str], dict]:
    """Validated question answers (flags override the file) and the raw project settings."""
    raw: dict = read_answers_file(answers_file) if answers_file is not None else {}
    raw.update(parse_answer_flags(flags))
    answers: dict[str, str] = {}
    project: dict = {}
    known = questionnaire.ids()
    for key, value in raw.items():
        if key in PROJECT_KEYS:
            project[key] = value
            continue
        if key not in known:
            raise InputError(f"unknown question '{key}' (known: {', '.join(known)})")
        answers[key] = questionnaire.get(key).validate(value)
    return answers, project
