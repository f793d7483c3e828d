"""The project record, `.advisor/answers.yaml`: how a project was generated, and the file that replays it.

`advisor new OTHER --answers DIR/.advisor/answers.yaml --no-input` gives a byte-identical project. The
record holds advisor's version, the template's digest, the rule-set version, the framework used and
whether advisor recommended it or the user chose it, every answer explicitly, and which answers took their
default. This module is its only reader and writer; doctor, smoke and replay go through it. Records written
by advisor 0.1.0 (a flat mapping, defaulted answers commented out) still load.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from advisor.decide.yamlfile import kind_of
from advisor.errors import InputError
from advisor.text import quoted, shorten

RECORD_PATH = Path(".advisor") / "answers.yaml"
RECORD_VERSION = 2
FRAMEWORKS = ("pytorch", "tensorflow")
FrameworkSource = Literal["recommended", "user"]
# The keys of a 0.1.0 record (and of a hand-written answers file) that are project settings, not answers.
SETTINGS_KEYS = ("name", "description", "framework")
# Keys `replay_input` adds for `--answers`: which answers took their default, and the framework advisor
# recommended when the record was written (replay refuses to switch it silently).
REPLAY_DEFAULTED = "defaulted"
REPLAY_RECORDED_FRAMEWORK = "recorded_framework"
RECORD_KEYS = (
    "record", "generated_by", "advisor", "template", "rules", "name", "description", "framework",
    "framework_source", "recommended", "answers", "defaulted",
)


@dataclass(frozen=True)
class ProjectRecord:
    name: str
    description: str
    framework: str  # the framework the project uses
    framework_source: FrameworkSource  # advisor recommended it, or the user chose it
    recommended: str | None  # advisor's pick; None when nothing was feasible or it is not known
    answers: Mapping[str, str]  # every answer that applied, explicitly
    defaulted: tuple[str, ...] = ()  # the answers that took the questionnaire's default
    generated_by: str = "advisor"  # advisor | cookiecutter (rendered without advisor)
    advisor_version: str | None = None
    template_digest: str | None = None
    ruleset_version: str | None = None
    record_version: int = RECORD_VERSION
    extra: Mapping[str, Any] = field(default_factory=dict)  # unknown keys of a newer record, kept

    @property
    def framework_choice(self) -> str:
        """What `--framework` replays: auto when advisor recommended it, else the user's choice."""
        return "auto" if self.framework_source == "recommended" else self.framework

    def provided_answers(self) -> dict[str, str]:
        """The answers the user gave; replay leaves the defaulted ones to take their default again."""
        return {key: value for key, value in self.answers.items() if key not in self.defaulted}

    def to_yaml(self) -> str:
        lines = [
            "# advisor project record: how this project was generated. Replay it into another folder:",
            "#   advisor new OTHER_DIR --answers .advisor/answers.yaml --no-input",
            f"record: {self.record_version}",
            f"generated_by: {yaml_quote(self.generated_by)}",
            f"advisor: {_optional(self.advisor_version)}",
            f"template: {_optional(self.template_digest)}",
            f"rules: {_optional(self.ruleset_version)}",
            f"name: {yaml_quote(self.name)}",
            f"description: {yaml_quote(self.description)}",
            f"framework: {yaml_quote(self.framework)}",
            f"framework_source: {self.framework_source}  # recommended | user",
            f"recommended: {_optional(self.recommended)}",
            "answers:",
            *(f"  {key}: {yaml_quote(value)}" for key, value in self.answers.items()),
            "defaulted: [" + ", ".join(self.defaulted) + "]  # these took the questionnaire's default",
        ]
        return "\n".join(lines) + "\n"


def yaml_quote(value: str) -> str:
    """A double-quoted YAML scalar that reads back exactly: every non-ASCII or control character escaped."""
    out = ['"']
    for char in value:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif 0xD800 <= code <= 0xDFFF:  # a lone surrogate cannot be written in any encoding
            out.append("\\ufffd")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def _optional(value: str | None) -> str:
    return "null" if value is None else yaml_quote(value)


def is_record(data: Mapping[str, Any]) -> bool:
    """A version-2 record (as opposed to a flat answers file or a 0.1.0 record)."""
    return "record" in data or isinstance(data.get("answers"), Mapping)


def replay_input(data: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten an answers file for `--answers`.

    A record becomes every recorded answer, its settings, the list of answers that took their default (an
    answer still equal to its default is left to take it again; an edited one counts as given) and, when
    advisor had recommended the framework, that framework, so replay can refuse to switch it silently.
    """
    if not is_record(data):
        return dict(data)
    record = parse_record(data, "--answers")
    flat: dict[str, Any] = {**record.answers, REPLAY_DEFAULTED: list(record.defaulted)}
    if record.name:
        flat["name"] = record.name
    if record.description:
        flat["description"] = record.description
    flat["framework"] = record.framework_choice
    if record.framework_source == "recommended":
        flat[REPLAY_RECORDED_FRAMEWORK] = record.framework
    return flat


def _word(value: Any, where: str = "", field: str = "") -> str:
    """A scalar as trimmed text: YAML 1.1 booleans as yes/no, None as ""; a list or mapping is refused."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (Mapping, list, tuple, set)):
        raise InputError(f"{where}: {field}: must be text, got {kind_of(value)}")
    return "" if value is None else str(value).strip()


def _version(value: Any, where: str) -> int:
    """The record's version: a whole number, as YAML types it (2) or as text ("2")."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) < 10:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        shown = quoted(value) if isinstance(value, str) else kind_of(value) if value is not None else "nothing"
        raise InputError(f"{where}: 'record' must be a positive whole number, got {shown}")
    return value


def parse_record(data: Any, where: str, project_dir: Path | None = None) -> ProjectRecord:
    """A ProjectRecord from parsed YAML (version 2 or a 0.1.0 flat file); InputError naming `where`.

    Values may come typed (yaml.safe_load) or all as text (advisor's own reader): both parse alike.
    """
    if not isinstance(data, Mapping):
        raise InputError(f"{where}: must be a mapping of question ids to answers")
    if not is_record(data):
        return _parse_flat(data, where, project_dir)
    version = _version(data.get("record"), where)
    if version > RECORD_VERSION:
        raise InputError(
            f"{where}: record version {version} is newer than this advisor reads ({RECORD_VERSION}); upgrade advisor"
        )
    if not isinstance(data.get("answers"), Mapping):
        raise InputError(f"{where}: 'answers' must map question ids to answers")
    for key in ("name", "description"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise InputError(f"{where}: {key}: must be text, got {kind_of(data[key])}")
    framework = _word(data.get("framework"), where, "framework").lower()
    if framework not in FRAMEWORKS:
        raise InputError(f"{where}: framework: {quoted(framework)} is not one of {', '.join(FRAMEWORKS)}")
    source = _word(data.get("framework_source"), where, "framework_source").lower() or "user"
    if source not in ("recommended", "user"):
        raise InputError(f"{where}: framework_source: {quoted(source)} is not one of recommended, user")
    recommended = _word(data.get("recommended"), where, "recommended").lower() or None
    if recommended is not None and recommended not in FRAMEWORKS:
        raise InputError(
            f"{where}: recommended: {quoted(recommended)} is not one of {', '.join(FRAMEWORKS)} or null"
        )
    answers = {str(key): _word(value, where, f"answers: {shorten(str(key))}") for key, value in data["answers"].items()}
    raw_defaulted = data.get("defaulted") or []
    if not isinstance(raw_defaulted, list) or not all(isinstance(item, str) for item in raw_defaulted):
        raise InputError(f"{where}: 'defaulted' must be a list of question ids")
    defaulted = tuple(raw_defaulted)
    unknown_defaulted = [item for item in defaulted if item not in answers]
    if unknown_defaulted:
        raise InputError(f"{where}: defaulted: {quoted(unknown_defaulted[0])} is not among the answers")
    return ProjectRecord(
        name=_word(data.get("name")),
        description=_word(data.get("description")),
        framework=framework,
        framework_source="recommended" if source == "recommended" else "user",
        recommended=recommended,
        answers=answers,
        defaulted=defaulted,
        generated_by=_word(data.get("generated_by"), where, "generated_by") or "advisor",
        advisor_version=_optional_text(data.get("advisor"), where, "advisor"),
        template_digest=_optional_text(data.get("template"), where, "template"),
        ruleset_version=_optional_text(data.get("rules"), where, "rules"),
        record_version=version,
        extra={str(k): v for k, v in data.items() if k not in RECORD_KEYS},
    )


def _optional_text(value: Any, where: str, field: str) -> str | None:
    return None if value is None else _word(value, where, field)


def _parse_flat(data: Mapping[str, Any], where: str, project_dir: Path | None) -> ProjectRecord:
    """A 0.1.0 record: answers at the top level (defaulted ones were comments), framework may be 'auto'."""
    answers = {
        str(key): _word(value, where, shorten(str(key))) for key, value in data.items() if key not in SETTINGS_KEYS
    }
    for key in ("name", "description"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise InputError(f"{where}: {key}: must be text, got {kind_of(data[key])}")
    choice = _word(data.get("framework"), where, "framework").lower() or "auto"
    framework = choice if choice in FRAMEWORKS else None
    if framework is None and project_dir is not None:
        framework = framework_from_dependencies(project_dir)
    if framework is None:
        raise InputError(f"{where}: cannot tell the project's framework (framework: {quoted(choice)})")
    return ProjectRecord(
        name=_word(data.get("name")),
        description=_word(data.get("description")),
        framework=framework,
        framework_source="recommended" if choice == "auto" else "user",
        recommended=None,
        answers=answers,
        record_version=1,
    )


def framework_from_dependencies(project_dir: Path) -> str | None:
    """pytorch or tensorflow from pyproject.toml's dependencies (for 0.1.0 records saying 'auto')."""
    from advisor.files import FileRefused, read_regular_file

    try:
        text = read_regular_file(project_dir / "pyproject.toml", 1024 * 1024).decode("utf-8")
        data = tomllib.loads(text)
    except (OSError, FileRefused, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return None
    project = data.get("project")
    dependencies = project.get("dependencies") if isinstance(project, dict) else None
    if not isinstance(dependencies, list):
        return None
    names = {str(d).split(";")[0].split("[")[0].strip().split(" ")[0] for d in dependencies}
    names = {name.rstrip("<>=!~0123456789.,").lower() for name in names}
    if "torch" in names:
        return "pytorch"
    if names & {"keras", "tensorflow", "tensorflow-cpu"}:
        return "tensorflow"
    return None


def read_record(project_dir: Path) -> ProjectRecord:
    """The record of a generated project; InputError naming DIR when there is none or it is unreadable."""
    from advisor.decide.yamlfile import read_user_yaml

    if not Path(project_dir).is_dir():
        raise InputError(f"DIR: {project_dir} is not a directory")
    path = Path(project_dir) / RECORD_PATH
    data = read_user_yaml(path, "DIR", f"{project_dir} is not a generated project (no {RECORD_PATH.as_posix()})")
    return parse_record({} if data is None else data, f"DIR: {path}", Path(project_dir))


def write_record(project_dir: Path, record: ProjectRecord) -> Path:
    path = Path(project_dir) / RECORD_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(record.to_yaml(), encoding="utf-8")
    return path
