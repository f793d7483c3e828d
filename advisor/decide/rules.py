"""Rules as data: preferences (score contributions) and constraints (feasibility facts), kept apart.

A rule directory holds YAML files with a `preferences:` and/or a `constraints:` list. The built-in
directory also holds questions.yaml. Users layer their own directories on top (`--rules DIR`).
Loading checks schema and cross-references and reports every problem as `file:line: rule-id: problem`.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from advisor.decide.conditions import Condition, ConditionProblem, Group, check_condition, condition_from_dict
from advisor.decide.questions import CONTRACT_IDS, QUESTIONS_FILE, Questionnaire, load_questionnaire
from advisor.decide.yamlfile import (
    MAX_RULE_FILE_BYTES,
    YamlProblem,
    decode,
    kind_of,
    line_of,
    parse_rules_text,
    read_bounded,
)
from advisor.errors import InputError, RulesError
from advisor.files import FileRefused
from advisor.resources import catalog_path
from advisor.resources import rules_dir as builtin_rules_dir
from advisor.text import has_unsafe, quoted, shorten

UNSAFE_TEXT = "must be plain text: no control characters (ESC...), bidi or zero-width characters"
Effect = Literal["exclude", "caveat"]
EFFECTS: tuple[Effect, ...] = ("exclude", "caveat")
RULE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PREFERENCE_KEYS = {"id", "when", "scores", "reason", "source", "checked"}
CONSTRAINT_KEYS = {"id", "when", "framework", "effect", "reason", "workaround", "source", "checked"}
DEFAULT_MAX_AGE = 365  # days before a rule's `checked` date counts as stale
FUTURE_TOLERANCE = 3  # days a `checked` date may lie ahead of today's before `rules check` warns (time zones, clocks)
MAX_WEIGHT = 1000  # a weight beyond this is a typo or an attack, not a preference
MAX_ID = 80


@dataclass(frozen=True)
class Preference:
    id: str
    when: Condition | None  # None: always applies
    scores: dict[str, float]
    reason: str
    source: str
    origin: str  # file:line, for messages and the trace
    checked: datetime.date | None = None  # when the rule's facts were last checked; required on built-in rules

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "when": None if self.when is None else self.when.to_dict(),
            "scores": dict(self.scores),
            "reason": self.reason,
            "source": self.source,
            "origin": self.origin,
            "checked": None if self.checked is None else self.checked.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: Any, frameworks: tuple[str, ...]) -> Preference:
        """The inverse of to_dict, checking every type and weight; ValueError on anything else."""
        _expect_keys(data, ("id", "when", "scores", "reason", "source", "origin", "checked"))
        scores = data["scores"]
        if not isinstance(scores, dict) or not scores:
            raise ValueError("not a score mapping")
        for framework, weight in scores.items():
            if framework not in frameworks or weight_problem(weight) is not None:
                raise ValueError("not a weight")
        return cls(
            _text(data["id"]), _when(data["when"]), dict(scores), _text(data["reason"]), _text(data["source"]),
            _text(data["origin"]), _checked(data["checked"]),
        )


@dataclass(frozen=True)
class Constraint:
    id: str
    when: Condition | None
    framework: str | None  # None: a caveat about the project whatever the framework
    effect: Effect
    reason: str
    workaround: str
    source: str
    origin: str
    checked: datetime.date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "when": None if self.when is None else self.when.to_dict(),
            "framework": self.framework,
            "effect": self.effect,
            "reason": self.reason,
            "workaround": self.workaround,
            "source": self.source,
            "origin": self.origin,
            "checked": None if self.checked is None else self.checked.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: Any, frameworks: tuple[str, ...]) -> Constraint:
        """The inverse of to_dict, checking every type; ValueError on anything else."""
        _expect_keys(
            data, ("id", "when", "framework", "effect", "reason", "workaround", "source", "origin", "checked")
        )
        framework, effect = data["framework"], data["effect"]
        if framework is not None and framework not in frameworks:
            raise ValueError("not a framework")
        if effect not in EFFECTS or (effect == "exclude" and framework is None):
            raise ValueError("not an effect")
        return cls(
            _text(data["id"]), _when(data["when"]), framework, "exclude" if effect == "exclude" else "caveat",
            _text(data["reason"]), _text(data["workaround"]), _text(data["source"]), _text(data["origin"]),
            _checked(data["checked"]),
        )


Rule = Preference | Constraint


def framework_label(labels: Mapping[str, str], framework: str | None) -> str:
    """A framework's display name ("no feasible framework" for none), falling back to its id."""
    if framework is None:
        return "no feasible framework"
    return labels.get(framework, framework)


@dataclass(frozen=True)
class RuleSet:
    questionnaire: Questionnaire
    preferences: tuple[Preference, ...]
    constraints: tuple[Constraint, ...]
    sources: tuple[str, ...]  # directories, built-in first
    labels: Mapping[str, str] = field(default_factory=dict)  # framework -> display name, from the catalogue

    def label(self, framework: str | None) -> str:
        return framework_label(self.labels, framework)

    @property
    def version(self) -> str:
        return self.questionnaire.version

    @property
    def frameworks(self) -> tuple[str, ...]:
        return self.questionnaire.frameworks

    @property
    def rules(self) -> tuple[Rule, ...]:
        return (*self.preferences, *self.constraints)

    @property
    def oldest_check(self) -> datetime.date | None:
        """The oldest `checked` date among the rules that carry one (None when none does). User rules without a
        date are left out: they said nothing about when they were checked (`rules check` notes them)."""
        dates = [rule.checked for rule in self.rules if rule.checked is not None]
        return min(dates) if dates else None

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready) for the rule-set cache; from_dict reads it back."""
        return {
            "questionnaire": self.questionnaire.to_dict(),
            "preferences": [rule.to_dict() for rule in self.preferences],
            "constraints": [rule.to_dict() for rule in self.constraints],
            "sources": list(self.sources),
            "labels": dict(self.labels),
        }

    @classmethod
    def from_dict(cls, data: Any) -> RuleSet:
        """The inverse of to_dict, checking every type; ValueError on anything else (e.g. a tampered cache)."""
        _expect_keys(data, ("questionnaire", "preferences", "constraints", "sources", "labels"))
        questionnaire = Questionnaire.from_dict(data["questionnaire"])
        frameworks = questionnaire.frameworks
        preferences, constraints, sources, labels = (
            data["preferences"], data["constraints"], data["sources"], data["labels"]
        )
        if not (isinstance(preferences, list) and isinstance(constraints, list) and isinstance(sources, list)):
            raise ValueError("not a rule set")
        if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
            raise ValueError("not a label mapping")
        return cls(
            questionnaire,
            tuple(Preference.from_dict(item, frameworks) for item in preferences),
            tuple(Constraint.from_dict(item, frameworks) for item in constraints),
            tuple(_text(item) for item in sources),
            dict(labels),
        )


def _expect_keys(data: Any, keys: tuple[str, ...]) -> None:
    if not isinstance(data, dict) or set(data) != set(keys):
        raise ValueError("unexpected keys")


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("not text")
    return value


def _when(value: Any) -> Condition | None:
    return None if value is None else condition_from_dict(value)


def _checked(value: Any) -> datetime.date | None:
    if value is None:
        return None
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise ValueError("not a date")
    return datetime.date.fromisoformat(value)


ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def checked_problem(value: Any) -> tuple[datetime.date | None, str | None]:
    """A rule's `checked` value read as a date, or why it is unusable: a real date (YAML's unquoted
    YYYY-MM-DD, or the same quoted). A date in the future is no load error (a clock behind the author's, or
    west of UTC on the day of a release, would stop advisor loading its rules): `rules check` warns about
    one far ahead (future_rules)."""
    if isinstance(value, datetime.datetime) or not isinstance(value, (datetime.date, str)):
        shown = quoted(str(value)) if isinstance(value, datetime.datetime) else kind_of(value)
        return None, f"'checked' must be a date YYYY-MM-DD, got {shown}"
    if isinstance(value, str):
        text = value.strip()
        try:
            if not ISO_DATE.match(text):
                raise ValueError
            value = datetime.date.fromisoformat(text)
        except ValueError:
            return None, f"'checked' must be a date YYYY-MM-DD, got {quoted(shorten(value))}"
    return value, None


@dataclass(frozen=True)
class StaleRule:
    """A rule whose facts were last checked more than `max_age` days before today."""

    id: str
    origin: str  # file:line
    checked: datetime.date
    age_days: int
    max_age: int

    def message(self) -> str:
        return (
            f"{self.origin}: {self.id}: checked {self.checked.isoformat()}, {self.age_days} days ago "
            f"(older than {self.max_age})"
        )


@dataclass(frozen=True)
class FutureRule:
    """A rule whose `checked` date lies more than FUTURE_TOLERANCE days after today: a typo, or a wrong clock."""

    id: str
    origin: str
    checked: datetime.date
    today: datetime.date

    def message(self) -> str:
        ahead = (self.checked - self.today).days
        return (
            f"{self.origin}: {self.id}: checked {self.checked.isoformat()}, {ahead} days after today "
            f"({self.today.isoformat()}): fix the date, or this machine's clock"
        )


def stale_rules(ruleset: RuleSet, today: datetime.date, max_age: int = DEFAULT_MAX_AGE) -> list[StaleRule]:
    """The rules whose `checked` date is more than `max_age` days before `today`, in rule-set order. Rules
    without a date (only user rules may lack one) are not stale: see undated_rules."""
    if isinstance(max_age, bool) or not isinstance(max_age, int) or max_age < 1:
        raise ValueError(f"max_age must be a positive number of days, got {max_age!r}")
    return [
        StaleRule(rule.id, rule.origin, rule.checked, (today - rule.checked).days, max_age)
        for rule in ruleset.rules
        if rule.checked is not None and (today - rule.checked).days > max_age
    ]


def future_rules(ruleset: RuleSet, today: datetime.date, tolerance: int = FUTURE_TOLERANCE) -> list[FutureRule]:
    """The rules whose `checked` date is more than `tolerance` days after `today` (a date a day or two ahead is
    a time zone or a clock, not a mistake), in rule-set order."""
    return [
        FutureRule(rule.id, rule.origin, rule.checked, today)
        for rule in ruleset.rules
        if rule.checked is not None and (rule.checked - today).days > tolerance
    ]


def undated_rules(ruleset: RuleSet) -> list[Rule]:
    """The rules without a `checked` date: user rules that chose not to carry one (built-in rules must)."""
    return [rule for rule in ruleset.rules if rule.checked is None]


# advisor's own pages that rule sources may cite (besides public URLs): shipped in the wheel under
# advisor/_data/docs/ (pyproject.toml, force-include), kept at docs/ in a checkout.
ADVISOR_PAGES = ("docs/facts-2026.md",)
_PACKAGE_DIR = Path(__file__).resolve().parents[1]


def advisor_page(name: str) -> Path | None:
    """Where one of ADVISOR_PAGES is on this machine (the installed copy, else the checkout's), or None."""
    if name not in ADVISOR_PAGES:
        return None
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_file():
            return candidate
    return None


def cited_pages(source: str) -> list[str]:
    """The ADVISOR_PAGES a rule's source cites, in order."""
    return [name for name in ADVISOR_PAGES if name in source]


def weight_problem(weight: Any) -> str | None:
    """Why a score weight is unusable (None when it is fine): a finite non-zero number within MAX_WEIGHT."""
    if isinstance(weight, bool) or not isinstance(weight, (int, float)):
        return f"must be a non-zero number, got {quoted(weight) if isinstance(weight, str) else kind_of(weight)}"
    if isinstance(weight, float) and not math.isfinite(weight):
        return f"must be a finite number, got {weight}"
    if weight == 0:
        return "must be a non-zero number, got 0"
    if abs(weight) > MAX_WEIGHT:
        return f"must be between -{MAX_WEIGHT} and {MAX_WEIGHT}, got {shorten(str(weight))}"
    return None


def load_ruleset(extra_dirs: tuple[Path, ...] | list[Path] = (), *, use_cache: bool = True) -> RuleSet:
    """The built-in rules plus each user directory, in order. Raises RulesError with every problem.

    With `use_cache`, a rule set validated earlier from the very same bytes (and paths) is read back from
    the cache instead of parsing the files again; `rules check` passes use_cache=False.
    """
    from advisor.decide import cache

    base = builtin_rules_dir()
    dirs = [base]
    for extra in extra_dirs:
        path = Path(extra)
        if not path.is_dir():
            raise InputError(f"--rules: {quoted(str(extra))} is not a directory")
        dirs.append(path)
    problems: list[str] = []
    files_by_dir = {directory: _rule_files(directory, base, problems) for directory in dirs}
    problems += [
        f"{directory}: no rule files (*.yaml, *.yml, *.json)"
        for directory in dirs[1:]
        if not files_by_dir[directory] and not problems
    ]
    if problems:
        raise RulesError(problems)
    questions_path = base / QUESTIONS_FILE
    watched = [questions_path, catalog_path(), *(f for files in files_by_dir.values() for f in files)]
    # Each file is read once: the bytes hashed for the cache key are the bytes parsed on a miss.
    contents = {path: _read(path) for path in watched}
    key = None
    if use_cache and cache.enabled() and all(isinstance(content, bytes) for content in contents.values()):
        keyed = [(str(path), content) for path, content in contents.items() if isinstance(content, bytes)]
        key = cache.key([str(d) for d in dirs], keyed)
        cached = cache.load(key)
        if cached is not None:
            try:
                ruleset = RuleSet.from_dict(cached)
            except (ValueError, TypeError, KeyError, RecursionError):
                pass  # malformed or from another version: parse the files
            else:
                if ruleset.sources == tuple(str(d) for d in dirs) and _consistent(ruleset, cached):
                    return ruleset
    questions_content = contents[questions_path]
    if not isinstance(questions_content, bytes):
        raise RulesError([f"{questions_path}:1: cannot read: {questions_content}"])
    questionnaire = load_questionnaire(base, questions_content)
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for files in files_by_dir.values():
        for path in files:
            _load_rule_file(path, contents[path], questionnaire, rules, seen, problems, builtin=path.parent == base)
    if problems:
        raise RulesError(problems)
    from advisor.catalog import load_catalog

    labels = {name: facts.label for name, facts in load_catalog().frameworks.items()}
    preferences = tuple(rule for rule in rules if isinstance(rule, Preference))
    constraints = tuple(rule for rule in rules if isinstance(rule, Constraint))
    ruleset = RuleSet(questionnaire, preferences, constraints, tuple(str(d) for d in dirs), labels)
    if key is not None:
        cache.store(key, ruleset.to_dict())
    return ruleset


def _consistent(ruleset: RuleSet, data: Any) -> bool:
    """What validation guarantees, checked again on a cached set (well-typed is not enough if it was edited)."""
    stack = [data]
    while stack:  # every text in the entry is plain
        item = stack.pop()
        if isinstance(item, str):
            if has_unsafe(item, allow_newlines=True):
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    questionnaire = ruleset.questionnaire
    choices = questionnaire.choices()
    rules: tuple[Rule, ...] = (*ruleset.preferences, *ruleset.constraints)
    ids = [rule.id for rule in rules]
    return (
        all(qid in choices for qid in CONTRACT_IDS)
        and all(framework in ruleset.labels for framework in questionnaire.frameworks)
        and len(set(ids)) == len(ids)
        and all(RULE_ID.match(rule_id) for rule_id in ids)
        and all(rule.when is None or _known_choices(rule.when, choices) for rule in rules)
        and all(q.when is None or _known_choices(q.when, choices) for q in questionnaire.questions)
    )


def _known_choices(condition: Condition, choices: Mapping[str, tuple[str, ...]]) -> bool:
    if isinstance(condition, Group):
        return all(_known_choices(item, choices) for item in condition.items)
    values = condition.value if isinstance(condition.value, tuple) else (condition.value,)
    return condition.question in choices and all(value in choices[condition.question] for value in values)


def _read(path: Path) -> bytes | str:
    """A watched file's bytes, or why it cannot be read."""
    try:
        return read_bounded(path, MAX_RULE_FILE_BYTES)
    except FileRefused as refused:
        return str(refused)
    except OSError as error:
        return error.strerror or str(error)


def _rule_files(directory: Path, base: Path, problems: list[str]) -> list[Path]:
    try:
        names = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml", ".json") and p.is_file())
    except OSError as error:
        problems.append(f"{directory}: cannot read: {error.strerror or error}")
        return []
    return [p for p in names if not (directory == base and p.name == QUESTIONS_FILE)]


def _load_rule_file(
    path: Path,
    content: bytes | str,
    questionnaire: Questionnaire,
    rules: list[Rule],
    seen: dict[str, str],
    problems: list[str],
    *,
    builtin: bool = False,
) -> None:
    if not isinstance(content, bytes):
        problems.append(f"{path}:1: cannot read: {content}")
        return
    try:
        data = parse_rules_text(decode(content, path), path)
    except YamlProblem as problem:
        problems.append(str(problem))
        return
    if not isinstance(data, Mapping):
        problems.append(f"{path}:1: must be a mapping with 'preferences' and/or 'constraints' lists")
        return
    top = line_of(data, 1)
    for key in data:
        if key not in ("preferences", "constraints"):
            problems.append(f"{path}:{top}: unknown top-level key {quoted(key)} (allowed: preferences, constraints)")
    parsers: tuple[tuple[str, Callable[[Any, Questionnaire, str, list[ConditionProblem]], Rule | None]], ...] = (
        ("preferences", _parse_preference),
        ("constraints", _parse_constraint),
    )
    for kind, parse in parsers:
        entries = data.get(kind, [])
        if not isinstance(entries, list):
            problems.append(f"{path}:{top}: '{kind}' must be a list")
            continue
        for index, raw in enumerate(entries, start=1):
            line = line_of(raw, top)
            where = f"{path}:{line}"
            rule_id = raw.get("id") if isinstance(raw, Mapping) else None
            valid_id = isinstance(rule_id, str) and len(rule_id) <= MAX_ID and RULE_ID.match(rule_id)
            label = rule_id if valid_id else f"{kind}[{index}]"
            found: list[ConditionProblem] = []
            checked = _rule_checked(raw, builtin, found)
            rule = parse(raw, questionnaire, where, found)
            if rule is not None and checked is not None:
                rule = replace(rule, checked=checked)
            problems += [f"{path}:{found_problem.line or line}: {label}: {found_problem}" for found_problem in found]
            if rule is None:
                continue
            if rule.id in seen:
                problems.append(f"{where}: {rule.id}: duplicate rule id (first defined at {seen[rule.id]})")
                continue
            seen[rule.id] = where
            rules.append(rule)


def _rule_checked(raw: Any, builtin: bool, problems: list[ConditionProblem]) -> datetime.date | None:
    """The rule's `checked` date (None if absent or bad), its problems added to `problems`: optional on user
    rules, required on built-in ones."""
    if not isinstance(raw, Mapping):
        return None
    line = line_of(raw)
    if "checked" not in raw:
        if builtin:
            problems.append(
                ConditionProblem("missing 'checked': a built-in rule says when its facts were checked", line)
            )
        return None
    checked, problem = checked_problem(raw["checked"])
    if problem is not None:
        problems.append(ConditionProblem(problem, line))
    return checked


def _common(
    raw: Any, allowed_keys: set[str], questionnaire: Questionnaire, problems: list[ConditionProblem]
) -> tuple[str, Condition | None]:
    """The rule's id and condition, every problem with them (and its keys and texts) added to `problems`."""
    line = line_of(raw)
    for key in raw:
        if key not in allowed_keys:
            problems.append(ConditionProblem(
                f"unknown key {quoted(key)} (allowed: {', '.join(sorted(allowed_keys))})", line
            ))
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or len(rule_id) > MAX_ID or not RULE_ID.match(rule_id):
        problems.append(ConditionProblem(
            f"'id' must be lower-case words joined by '-' (at most {MAX_ID} characters), e.g. tf-windows-gpu", line
        ))
    for key in ("reason", "source"):
        text = raw.get(key)
        if key in raw and text is not None and not isinstance(text, str):
            problems.append(ConditionProblem(f"'{key}' must be text, got {kind_of(text)}", line))
        elif not isinstance(text, str) or not text.strip():
            problems.append(ConditionProblem(f"missing '{key}': every rule says why, and where it is documented", line))
        elif has_unsafe(text, allow_newlines=True):
            problems.append(ConditionProblem(f"'{key}' {UNSAFE_TEXT}", line))
    when = None
    if "when" in raw:
        when, found = check_condition(raw["when"], questionnaire.choices())
        problems += [ConditionProblem(str(problem), problem.line or line) for problem in found]
    return rule_id if isinstance(rule_id, str) else "", when


def _parse_preference(
    raw: Any, questionnaire: Questionnaire, origin: str, problems: list[ConditionProblem]
) -> Preference | None:
    if not isinstance(raw, Mapping):
        problems.append(ConditionProblem("each rule must be a mapping"))
        return None
    rule_id, when = _common(raw, PREFERENCE_KEYS, questionnaire, problems)
    scores = raw.get("scores")
    parsed: dict[str, float] = {}
    line = line_of(scores) or line_of(raw)
    if not isinstance(scores, Mapping) or not scores:
        problems.append(ConditionProblem("'scores' must map frameworks to weights", line_of(raw)))
    else:
        for framework, weight in scores.items():
            if not isinstance(framework, str) or framework not in questionnaire.frameworks:
                problems.append(ConditionProblem(
                    f"unknown framework {quoted(framework)} (known: {', '.join(questionnaire.frameworks)})", line
                ))
                continue
            problem = weight_problem(weight)
            if problem is not None:
                problems.append(ConditionProblem(f"weight for '{framework}' {problem}", line))
                continue
            parsed[framework] = weight
    if problems:
        return None
    return Preference(rule_id, when, parsed, raw["reason"].strip(), raw["source"].strip(), origin)


def _parse_constraint(
    raw: Any, questionnaire: Questionnaire, origin: str, problems: list[ConditionProblem]
) -> Constraint | None:
    if not isinstance(raw, Mapping):
        problems.append(ConditionProblem("each rule must be a mapping"))
        return None
    rule_id, when = _common(raw, CONSTRAINT_KEYS, questionnaire, problems)
    line = line_of(raw)
    effect = raw.get("effect")
    if effect not in EFFECTS:
        shown = quoted(effect) if isinstance(effect, str) else kind_of(effect)
        problems.append(ConditionProblem(f"'effect' must be one of {', '.join(EFFECTS)}, got {shown}", line))
    framework = raw.get("framework")
    if framework is not None and (not isinstance(framework, str) or framework not in questionnaire.frameworks):
        shown = quoted(framework) if isinstance(framework, str) else kind_of(framework)
        problems.append(ConditionProblem(
            f"unknown framework {shown} (known: {', '.join(questionnaire.frameworks)})", line
        ))
    if effect == "exclude" and framework is None:
        problems.append(ConditionProblem("an 'exclude' constraint must name the framework it rules out", line))
    workaround = raw.get("workaround", "")
    if not isinstance(workaround, str):
        problems.append(ConditionProblem(f"'workaround' must be text, got {kind_of(workaround)}", line))
    elif has_unsafe(workaround, allow_newlines=True):
        problems.append(ConditionProblem(f"'workaround' {UNSAFE_TEXT}", line))
    if problems:
        return None
    return Constraint(
        rule_id,
        when,
        framework,
        "exclude" if effect == "exclude" else "caveat",
        raw["reason"].strip(),
        workaround.strip(),
        raw["source"].strip(),
        origin,
    )
