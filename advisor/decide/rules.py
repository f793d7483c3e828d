"""Rules as data: preferences (score contributions) and constraints (feasibility facts), kept apart.

A rule directory holds YAML files with a `preferences:` and/or a `constraints:` list. The built-in
directory also holds questions.yaml. Users layer their own directories on top (`--rules DIR`).
Loading checks schema and cross-references and reports every problem as `file:line: rule-id: problem`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from advisor.decide.conditions import Condition, ConditionProblem, parse_condition
from advisor.decide.questions import QUESTIONS_FILE, Questionnaire, load_questionnaire
from advisor.decide.yamlfile import YamlProblem, line_of, load_yaml
from advisor.errors import InputError, RulesError
from advisor.resources import catalog_path
from advisor.resources import rules_dir as builtin_rules_dir

Effect = Literal["exclude", "caveat"]
EFFECTS: tuple[Effect, ...] = ("exclude", "caveat")
RULE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PREFERENCE_KEYS = {"id", "when", "scores", "reason", "source"}
CONSTRAINT_KEYS = {"id", "when", "framework", "effect", "reason", "workaround", "source"}


@dataclass(frozen=True)
class Preference:
    id: str
    when: Condition | None  # None: always applies
    scores: dict[str, float]
    reason: str
    source: str
    origin: str  # file:line, for messages and the trace


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


def load_ruleset(extra_dirs: tuple[Path, ...] | list[Path] = ()) -> RuleSet:
    """The built-in rules plus each user directory, in order. Raises RulesError with every problem."""
    from advisor.decide import cache

    base = builtin_rules_dir()
    dirs = [base]
    for extra in extra_dirs:
        path = Path(extra)
        if not path.is_dir():
            raise InputError(f"--rules: '{extra}' is not a directory")
        dirs.append(path)
    files_by_dir = {directory: _rule_files(directory, base) for directory in dirs}
    empty = [
        f"{directory}: no rule files (*.yaml, *.yml, *.json)" for directory in dirs[1:] if not files_by_dir[directory]
    ]
    if empty:
        raise RulesError(empty)
    watched = [base / QUESTIONS_FILE, catalog_path(), *(f for files in files_by_dir.values() for f in files)]
    key = cache.fingerprint(dirs, watched)
    cached = cache.load(key)
    if isinstance(cached, RuleSet):
        return cached
    questionnaire = load_questionnaire(base)
    problems: list[str] = []
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for files in files_by_dir.values():
        for path in files:
            _load_rule_file(path, questionnaire, rules, seen, problems)
    if problems:
        raise RulesError(problems)
    from advisor.catalog import load_catalog

    labels = {name: facts.label for name, facts in load_catalog().frameworks.items()}
    preferences = tuple(rule for rule in rules if isinstance(rule, Preference))
    constraints = tuple(rule for rule in rules if isinstance(rule, Constraint))
    ruleset = RuleSet(questionnaire, preferences, constraints, tuple(str(d) for d in dirs), labels)
    cache.store(key, ruleset)
    return ruleset


def _rule_files(directory: Path, base: Path) -> list[Path]:
    files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml", ".json") and p.is_file())
    return [p for p in files if not (directory == base and p.name == QUESTIONS_FILE)]


def _load_rule_file(
    path: Path,
    questionnaire: Questionnaire,
    rules: list[Rule],
    seen: dict[str, str],
    problems: list[str],
) -> None:
    try:
        data = load_yaml(path)
    except OSError as error:
        problems.append(f"{path}: cannot read: {error.strerror}")
        return
    except YamlProblem as problem:
        problems.append(str(problem))
        return
    if not isinstance(data, Mapping):
        problems.append(f"{path}: must be a mapping with 'preferences' and/or 'constraints' lists")
        return
    for key in data:
        if key not in ("preferences", "constraints"):
            problems.append(
                f"{path}:{line_of(data)}: unknown top-level key '{key}' (allowed: preferences, constraints)"
            )
    parsers: tuple[tuple[str, Callable[[Any, Questionnaire, str], Rule]], ...] = (
        ("preferences", _parse_preference),
        ("constraints", _parse_constraint),
    )
    for kind, parse in parsers:
        entries = data.get(kind, [])
        if not isinstance(entries, list):
            problems.append(f"{path}:{line_of(data)}: '{kind}' must be a list")
            continue
        for index, raw in enumerate(entries, start=1):
            where = f"{path}:{line_of(raw, line_of(data))}"
            rule_id = raw.get("id") if isinstance(raw, Mapping) else None
            label = rule_id if isinstance(rule_id, str) and rule_id else f"{kind}[{index}]"
            try:
                rule = parse(raw, questionnaire, where)
            except ConditionProblem as problem:
                at = f"{path}:{problem.line}" if problem.line else where
                problems.append(f"{at}: {label}: {problem}")
                continue
            if rule.id in seen:
                problems.append(f"{where}: {rule.id}: duplicate rule id (first defined at {seen[rule.id]})")
                continue
            seen[rule.id] = where
            rules.append(rule)


def _common(raw: Any, allowed_keys: set[str], questionnaire: Questionnaire) -> tuple[str, Condition | None]:
    if not isinstance(raw, Mapping):
        raise ConditionProblem("each rule must be a mapping")
    line = line_of(raw)
    for key in raw:
        if key not in allowed_keys:
            raise ConditionProblem(
                f"unknown key '{key}' (allowed: {', '.join(sorted(allowed_keys))})", line
            )
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
        raise ConditionProblem("'id' must be lower-case words joined by '-', e.g. tf-windows-gpu", line)
    for key in ("reason", "source"):
        text = raw.get(key)
        if not isinstance(text, str) or not text.strip():
            raise ConditionProblem(f"missing '{key}': every rule says why, and where that is documented", line)
    when = parse_condition(raw["when"], questionnaire.choices()) if "when" in raw else None
    return rule_id, when


def _parse_preference(raw: Any, questionnaire: Questionnaire, origin: str) -> Preference:
    rule_id, when = _common(raw, PREFERENCE_KEYS, questionnaire)
    scores = raw.get("scores")
    if not isinstance(scores, Mapping) or not scores:
        raise ConditionProblem("'scores' must map frameworks to weights", line_of(raw))
    parsed: dict[str, float] = {}
    for framework, weight in scores.items():
        if framework not in questionnaire.frameworks:
            raise ConditionProblem(
                f"unknown framework '{framework}' (known: {', '.join(questionnaire.frameworks)})",
                line_of(scores) or line_of(raw),
            )
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight == 0:
            raise ConditionProblem(
                f"weight for '{framework}' must be a non-zero number, got {weight!r}",
                line_of(scores) or line_of(raw),
            )
        parsed[framework] = weight
    return Preference(rule_id, when, parsed, raw["reason"].strip(), raw["source"].strip(), origin)


def _parse_constraint(raw: Any, questionnaire: Questionnaire, origin: str) -> Constraint:
    rule_id, when = _common(raw, CONSTRAINT_KEYS, questionnaire)
    line = line_of(raw)
    effect = raw.get("effect")
    if effect not in EFFECTS:
        raise ConditionProblem(f"'effect' must be one of {', '.join(EFFECTS)}, got {effect!r}", line)
    framework = raw.get("framework")
    if framework is not None and framework not in questionnaire.frameworks:
        raise ConditionProblem(
            f"unknown framework '{framework}' (known: {', '.join(questionnaire.frameworks)})", line
        )
    if effect == "exclude" and framework is None:
        raise ConditionProblem("an 'exclude' constraint must name the framework it rules out", line)
    workaround = raw.get("workaround", "")
    if not isinstance(workaround, str):
        raise ConditionProblem("'workaround' must be text", line)
    return Constraint(
        rule_id, when, framework, effect, raw["reason"].strip(), workaround.strip(), raw["source"].strip(), origin
    )
