"""Conditions over answers: nested all/any/not over leaves with a closed set of operators.

Written as data, e.g. `{all: [{question: os, equals: windows}, {question: hardware, in: [nvidia, amd]}]}`.
Evaluation never short-circuits: it returns a full trace, so a reader sees why a rule did or did not match.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from advisor.decide.yamlfile import kind_of, line_of
from advisor.text import shorten

# The closed operator table: name -> (takes a list?, test).
Test = Callable[[str, Any], bool]
OPERATORS: dict[str, tuple[bool, Test]] = {
    "equals": (False, lambda actual, expected: actual == expected),
    "not_equals": (False, lambda actual, expected: actual != expected),
    "in": (True, lambda actual, expected: actual in expected),
    "not_in": (True, lambda actual, expected: actual not in expected),
}
GroupKind = Literal["all", "any", "not"]
GROUPS: tuple[GroupKind, ...] = ("all", "any", "not")
MAX_DEPTH = 20  # nested all/any/not groups; a condition deeper than this is a rule problem


class ConditionProblem(Exception):
    """A condition that does not validate; `line` points into the source file when known."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Leaf:
    question: str
    operator: str
    value: str | tuple[str, ...]

    def describe(self) -> str:
        if isinstance(self.value, tuple):
            shown = "[" + ", ".join(self.value) + "]"
        else:
            shown = self.value
        symbol = {"equals": "=", "not_equals": "!=", "in": "in", "not_in": "not in"}[self.operator]
        return f"{self.question} {symbol} {shown}"

    def questions(self) -> set[str]:
        return {self.question}

    def to_dict(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"question": self.question, "operator": self.operator, "value": value}


@dataclass(frozen=True)
class Group:
    kind: GroupKind
    items: tuple[Condition, ...]

    def describe(self) -> str:
        if self.kind == "not":
            return f"not ({self.items[0].describe()})"
        joiner = " and " if self.kind == "all" else " or "
        parts = [item.describe() for item in self.items]
        return "(" + joiner.join(parts) + ")" if len(parts) > 1 else parts[0]

    def questions(self) -> set[str]:
        found: set[str] = set()
        for item in self.items:
            found |= item.questions()
        return found

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "items": [item.to_dict() for item in self.items]}


Condition = Leaf | Group


@dataclass(frozen=True)
class ConditionResult:
    """The outcome of one node: whether it matched and, for leaves, what the answer actually was."""

    matched: bool
    text: str
    children: tuple[ConditionResult, ...] = ()

    def why_not(self) -> list[str]:
        """The leaves that kept this node from matching (empty when it matched)."""
        if self.matched:
            return []
        if not self.children:
            return [self.text]
        reasons = [reason for child in self.children for reason in child.why_not()]
        return reasons or [f"{self.text}: no"]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"matched": self.matched, "text": self.text}
        if self.children:
            data["children"] = [child.to_dict() for child in self.children]
        return data


def parse_condition(data: Any, choices: Mapping[str, tuple[str, ...]]) -> Condition:
    """Build a condition from data, checking question ids and choices against `choices`.

    Raises the first ConditionProblem; check_condition returns them all.
    """
    condition, problems = check_condition(data, choices)
    if problems:
        raise problems[0]
    assert condition is not None
    return condition


def check_condition(
    data: Any, choices: Mapping[str, tuple[str, ...]]
) -> tuple[Condition | None, list[ConditionProblem]]:
    """The condition (None when it has problems) and every problem found in it."""
    problems: list[ConditionProblem] = []
    condition = _parse(data, choices, 1, 0, problems)
    return (None, problems) if problems else (condition, [])


def _parse(
    data: Any, choices: Mapping[str, tuple[str, ...]], depth: int, outer_line: int, problems: list[ConditionProblem]
) -> Condition | None:
    line = line_of(data, outer_line)
    if depth > MAX_DEPTH:
        problems.append(ConditionProblem(f"conditions nested more than {MAX_DEPTH} levels deep", line))
        return None
    if not isinstance(data, Mapping) or len(data) == 0:
        problems.append(ConditionProblem(f"a condition must be a mapping, got {_shown(data)}", line))
        return None
    group_keys = [key for key in data if key in GROUPS]
    if group_keys:
        if len(data) != 1:
            problems.append(ConditionProblem(
                f"'{group_keys[0]}' must stand alone in its mapping, found also: "
                + shorten(", ".join(sorted(str(k) for k in data if k != group_keys[0]))),
                line,
            ))
            return None
        kind: GroupKind = "all" if group_keys[0] == "all" else "any" if group_keys[0] == "any" else "not"
        body = data[kind]
        if kind == "not":
            inner = _parse(body, choices, depth + 1, line, problems)
            return None if inner is None else Group("not", (inner,))
        if not isinstance(body, list) or not body:
            problems.append(ConditionProblem(f"'{kind}' takes a non-empty list of conditions", line))
            return None
        items = [_parse(item, choices, depth + 1, line, problems) for item in body]
        parsed = tuple(item for item in items if item is not None)
        return Group(kind, parsed) if len(parsed) == len(items) else None
    try:
        return _parse_leaf(data, choices, line)
    except ConditionProblem as problem:
        problems.append(problem)
        return None


def _parse_leaf(data: Mapping[Any, Any], choices: Mapping[str, tuple[str, ...]], line: int) -> Leaf:
    if "question" not in data:
        raise ConditionProblem(
            "a condition needs 'question' and one operator ("
            + ", ".join(OPERATORS) + "), or one of: " + ", ".join(GROUPS),
            line,
        )
    question = data["question"]
    if not isinstance(question, str) or question not in choices:
        raise ConditionProblem(
            f"unknown question '{shorten(str(question))}' (known: {', '.join(choices)})", line
        )
    operators = [key for key in data if key != "question"]
    unknown = [key for key in operators if key not in OPERATORS]
    if unknown:
        raise ConditionProblem(
            f"unknown operator '{shorten(str(unknown[0]))}' (allowed: {', '.join(OPERATORS)})", line
        )
    if len(operators) != 1:
        raise ConditionProblem(
            f"question '{question}' needs exactly one operator, found {len(operators)}", line
        )
    operator = operators[0]
    takes_list, _ = OPERATORS[operator]
    raw = data[operator]
    if takes_list:
        if not isinstance(raw, list) or not raw:
            raise ConditionProblem(f"'{operator}' takes a non-empty list of choices", line)
        values = tuple(_choice_text(item, operator, line) for item in raw)
    else:
        if isinstance(raw, (list, Mapping)):
            raise ConditionProblem(f"'{operator}' takes a single choice", line)
        values = (_choice_text(raw, operator, line),)
    allowed = choices[question]
    for value in values:
        if value not in allowed:
            raise ConditionProblem(
                f"'{shorten(value)}' is not a choice of '{question}' (allowed: {', '.join(allowed)})", line
            )
    return Leaf(question, operator, values if takes_list else values[0])


def _choice_text(value: object, operator: str, line: int) -> str:
    # YAML 1.1 reads bare yes/no as booleans; the questionnaire's choices are words.
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ConditionProblem(f"'{operator}' takes choices as text, got {kind_of(value)}", line)


def _shown(value: object) -> str:
    return shorten(repr(value)) if not isinstance(value, Mapping) else "an empty mapping"


def condition_from_dict(data: Any, depth: int = 1) -> Condition:
    """The inverse of Leaf.to_dict / Group.to_dict, checking every type; ValueError on anything else."""
    if depth > MAX_DEPTH or not isinstance(data, dict):
        raise ValueError("not a condition")
    if set(data) == {"kind", "items"}:
        kind, items = data["kind"], data["items"]
        if kind not in GROUPS or not isinstance(items, list) or not items or (kind == "not" and len(items) != 1):
            raise ValueError("not a condition group")
        group_kind: GroupKind = "all" if kind == "all" else "any" if kind == "any" else "not"
        return Group(group_kind, tuple(condition_from_dict(item, depth + 1) for item in items))
    if set(data) != {"question", "operator", "value"}:
        raise ValueError("not a condition")
    question, operator, value = data["question"], data["operator"], data["value"]
    if not isinstance(question, str) or operator not in OPERATORS:
        raise ValueError("not a condition leaf")
    if OPERATORS[operator][0]:
        if not isinstance(value, list) or not value or not all(isinstance(item, str) for item in value):
            raise ValueError("not a list of choices")
        return Leaf(question, operator, tuple(value))
    if not isinstance(value, str):
        raise ValueError("not a choice")
    return Leaf(question, operator, value)


def matches(condition: Condition, facts: Mapping[str, str]) -> bool:
    """Just the verdict, without a trace: for the many trial evaluations behind flips."""
    if isinstance(condition, Leaf):
        actual = facts.get(condition.question)
        return actual is not None and OPERATORS[condition.operator][1](actual, condition.value)
    if condition.kind == "all":
        return all(matches(item, facts) for item in condition.items)
    if condition.kind == "any":
        return any(matches(item, facts) for item in condition.items)
    return not matches(condition.items[0], facts)


def evaluate(condition: Condition, facts: Mapping[str, str], skipped: Mapping[str, str]) -> ConditionResult:
    """Evaluate against `facts` (question -> answer); `skipped` says why a question was not asked."""
    if isinstance(condition, Leaf):
        actual = facts.get(condition.question)
        if actual is None:
            why = skipped.get(condition.question, "not answered")
            return ConditionResult(False, f"{condition.describe()}: {condition.question} {why}")
        _, test = OPERATORS[condition.operator]
        matched = test(actual, condition.value)
        mark = "yes" if matched else "no"
        return ConditionResult(matched, f"{condition.describe()}: {mark} ({condition.question}={actual})")
    children = tuple(evaluate(item, facts, skipped) for item in condition.items)
    if condition.kind == "all":
        matched = all(child.matched for child in children)
    elif condition.kind == "any":
        matched = any(child.matched for child in children)
    else:
        matched = not children[0].matched
    return ConditionResult(matched, condition.describe(), children)
