"""`--why-not FRAMEWORK`: what rules a framework out now, and the fewest answer changes that would pick it.

The search reuses the engine: each trial answer set goes through `resolve` (so a conditional question is
only changed where it is asked) and `evaluate_rules(..., explain=False)` (the same pick `recommend` makes).
Change sets are tried by size: every single change, then every pair, then every triple, stopping at the
first size that picks the framework (so each reported set is minimal: no smaller set does it) or when the
next size no longer fits in the evaluation budget. Enumeration follows questionnaire and choice order, so
the result is deterministic. The change sets that lift the blocking constraints while every other answer
stays in play come first (browser_training: yes -> no before deploy: browser -> edge), then the best margin.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from advisor.decide.engine import Evaluation, evaluate_rules
from advisor.decide.questions import Facts, Question, resolve
from advisor.decide.rules import Constraint, RuleSet
from advisor.errors import InputError
from advisor.text import quoted

MAX_SIZE = 3  # answers changed at once
MAX_EVALUATIONS = 5000  # a size is searched only when all its candidates fit in what is left of this
LIMIT = 5  # change sets the text output shows (--json lists every one)

Change = tuple[str | None, str]  # (answer now, or None when the question is not asked now; new answer)


@dataclass(frozen=True)
class Blocker:
    """A constraint that rules the framework out under the current answers."""

    rule: str
    reason: str
    workaround: str
    source: str
    condition: str  # when it applies, e.g. "deploy = browser and browser_training = yes"; "always"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "reason": self.reason,
            "workaround": self.workaround,
            "source": self.source,
            "condition": self.condition,
        }


@dataclass(frozen=True)
class ChangeSet:
    """Answer changes that make advisor pick the framework, with the scores they lead to."""

    changes: tuple[tuple[str, Change], ...]  # (question, (old, new)), in questionnaire order
    scores: dict[str, float]
    margin: float  # the framework's lead over the best other feasible framework (0: a tie, or no other feasible)
    excluded: tuple[str, ...]  # frameworks the changed answers rule out
    tie: str | None = None  # how a tie was broken in its favour (margin 0), e.g. by the team's experience
    # The blocking constraints it lifts directly: by changing what they test while every answer in play now
    # stays in play (deploy: browser -> edge lifts a browser rule too, but drops browser_training with it).
    lifts: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return len(self.changes)

    def as_answers(self) -> dict[str, str]:
        return {question: new for question, (_, new) in self.changes}

    @property
    def text(self) -> str:
        return ", ".join(f"{q}: {old if old is not None else '(not asked)'} -> {new}" for q, (old, new) in self.changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "changes": {question: [old, new] for question, (old, new) in self.changes},
            "scores": dict(self.scores),
            "margin": self.margin,
            "excluded": list(self.excluded),
            "tie": self.tie,
            "lifts": list(self.lifts),
            "text": self.text,
        }


@dataclass(frozen=True)
class WhyNot:
    framework: str
    recommended: str | None  # today's pick (None when every framework is ruled out)
    already_recommended: bool
    scores: dict[str, float]  # under the current answers
    blockers: tuple[Blocker, ...]  # constraints that rule the framework out now
    changes: tuple[ChangeSet, ...]  # every smallest change set: blocker-lifting first, then best margin
    found: int  # how many change sets of that size pick it (len(changes))
    searched_size: int  # every change set of up to this many answers was tried
    evaluations: int
    note: str  # one line: what was found, or why nothing was
    limit: int = LIMIT  # how many change sets the text output shows

    @property
    def shown(self) -> tuple[ChangeSet, ...]:
        """The change sets the text output shows: the first `limit`."""
        return self.changes[: self.limit]

    @property
    def truncation(self) -> str | None:
        """"(showing 5 of 8; --json lists all)" when the text output leaves change sets out, else None."""
        if len(self.changes) <= self.limit:
            return None
        return f"(showing {self.limit} of {len(self.changes)}; --json lists all)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "framework": self.framework,
            "recommended": self.recommended,
            "already_recommended": self.already_recommended,
            "scores": dict(self.scores),
            "blockers": [blocker.to_dict() for blocker in self.blockers],
            "changes": [change.to_dict() for change in self.changes],
            "found": self.found,
            "searched_size": self.searched_size,
            "evaluations": self.evaluations,
            "note": self.note,
        }


def why_not(
    ruleset: RuleSet,
    provided: Mapping[str, str],
    framework: str,
    *,
    max_size: int = MAX_SIZE,
    max_evaluations: int = MAX_EVALUATIONS,
    limit: int = LIMIT,
) -> WhyNot:
    """Why `framework` is not the pick for `provided` answers, and the fewest answer changes that would pick it.

    `framework` is an id or a display name, any case; InputError names the known ones otherwise. Every change
    set found is kept; `limit` is how many the text output shows.
    """
    target = framework_id(ruleset, framework)
    questionnaire = ruleset.questionnaire
    facts = resolve(questionnaire, provided)
    now = evaluate_rules(ruleset, facts, explain=False)
    label = ruleset.label(target)
    if now.framework == target:
        return WhyNot(
            target, target, True, dict(now.scores), (), (), 0, 0, 0, f"{label} is already the recommendation",
            limit,
        )
    constraints = {rule.id: rule for rule in ruleset.constraints}
    blockers = tuple(_blocker(constraints[rule_id]) for rule_id in now.excluded.get(target, ()))

    # The answers a change starts from: what the user gave that is asked now (as find_flips does).
    base = {qid: facts.answers[qid] for qid in facts.provided if qid in facts.answers}
    options = [(question, _alternatives(question, facts)) for question in questionnaire.questions]
    options = [(question, values) for question, values in options if values]
    found: list[ChangeSet] = []
    evaluations = 0
    searched = 0
    for size in range(1, max_size + 1):
        if size > len(options) or evaluations + _count(options, size) > max_evaluations:
            break
        for changes in _candidates(options, size):
            evaluations += 1
            trial = resolve(questionnaire, {**base, **{q.id: new for q, new in changes}})
            if any(q.id not in trial.answers for q, _ in changes):
                continue  # a change to a question these answers do not ask
            result = evaluate_rules(ruleset, trial, explain=False)
            if result.framework == target:
                found.append(_change_set(ruleset, facts, changes, result, _lifts(blockers, facts, trial)))
        searched = size
        if found:
            break
    # Stable sort: equal keys keep questionnaire and choice order.
    found.sort(key=lambda change: (not change.lifts, -change.margin))
    return WhyNot(
        target,
        now.framework,
        False,
        dict(now.scores),
        blockers,
        tuple(found),
        len(found),
        searched,
        evaluations,
        _note(ruleset, target, now, blockers, found, searched, max_size),
        limit,
    )


def framework_id(ruleset: RuleSet, name: str) -> str:
    """The framework id for an id or display name (any case); InputError naming the known ones otherwise."""
    wanted = name.strip().lower()
    for framework in ruleset.frameworks:
        if wanted in (framework.lower(), ruleset.label(framework).lower()):
            return framework
    raise InputError(f"--why-not: {quoted(name)} is not one of {', '.join(ruleset.frameworks)}")


def _alternatives(question: Question, facts: Facts) -> tuple[str, ...]:
    # A question not asked now would start from its default once a change brings it into play.
    current = facts.answers.get(question.id, question.default)
    return tuple(value for value in question.values if value != current)


def _count(options: list[tuple[Question, tuple[str, ...]]], size: int) -> int:
    return sum(math.prod(len(values) for _, values in combo) for combo in itertools.combinations(options, size))


def _candidates(
    options: list[tuple[Question, tuple[str, ...]]], size: int
) -> Iterator[tuple[tuple[Question, str], ...]]:
    for combo in itertools.combinations(options, size):
        questions = [question for question, _ in combo]
        for values in itertools.product(*(values for _, values in combo)):
            yield tuple(zip(questions, values))


def _lifts(blockers: tuple[Blocker, ...], facts: Facts, trial: Facts) -> tuple[str, ...]:
    """The blockers a change set that picks the framework lifts directly: all of them, when every answer in
    play now is still in play (the change undoes what the constraints test, and nothing else); else none."""
    if not blockers or any(qid not in trial.answers for qid in facts.answers):
        return ()
    return tuple(blocker.rule for blocker in blockers)


def _change_set(
    ruleset: RuleSet,
    facts: Facts,
    changes: tuple[tuple[Question, str], ...],
    result: Evaluation,
    lifts: tuple[str, ...] = (),
) -> ChangeSet:
    picked = result.framework
    others = [result.scores[f] for f in ruleset.frameworks if f != picked and f not in result.excluded]
    margin = result.scores[picked] - max(others) if picked is not None and others else 0
    return ChangeSet(
        tuple((q.id, (facts.answers.get(q.id), new)) for q, new in changes), dict(result.scores), margin,
        tuple(f for f in ruleset.frameworks if f in result.excluded),
        None if result.tie is None else result.tie.text,
        lifts,
    )


def _blocker(rule: Constraint) -> Blocker:
    condition = "always" if rule.when is None else rule.when.describe()
    return Blocker(rule.id, rule.reason, rule.workaround, rule.source, condition)


def _note(
    ruleset: RuleSet,
    target: str,
    now: Evaluation,
    blockers: tuple[Blocker, ...],
    found: list[ChangeSet],
    searched: int,
    max_size: int,
) -> str:
    label = ruleset.label(target)
    if found:
        what = "one answer" if searched == 1 else f"{searched} answers"
        return f"changing {what} makes advisor pick {label} ({len(found)} way(s))"
    always = [blocker.rule for blocker in blockers if blocker.condition == "always"]
    if always:
        return f"{label} is ruled out whatever the answers, by {', '.join(always)}"
    if searched == 0:
        return f"no change was searched: even single changes exceed the evaluation budget for {label}"
    tried = f"no change of up to {searched} answer(s) makes advisor pick {label}"
    if blockers:
        tried += f"; it stays ruled out by {', '.join(blocker.rule for blocker in blockers)} or outscored"
    if searched < max_size:
        tried += " (larger changes were not searched: over the evaluation budget)"
    return tried
