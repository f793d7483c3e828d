"""The engine: answers -> facts -> evaluation (full trace) -> recommendation (with flips).

Deterministic: every rule is evaluated, matched or not. A tie goes to the framework the team knows
(`experience`), then to the one already in production (`existing_stack`), then to the ecosystem default
(the rule set's first framework); the recommendation says which decided.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from advisor.decide.conditions import ConditionResult, evaluate, matches
from advisor.decide.questions import Facts, resolve
from advisor.decide.rules import Constraint, Preference, Rule, RuleSet, framework_label

# Margin (score points between the pick and the runner-up) -> confidence label.
Confidence = Literal["high", "medium", "low", "none", "decided by constraints"]
CONFIDENCE_LEVELS: tuple[tuple[float, Confidence], ...] = ((5, "high"), (2, "medium"), (0, "low"))
ALWAYS = ConditionResult(True, "always")


@dataclass(frozen=True)
class RuleOutcome:
    rule: Rule
    matched: bool
    result: ConditionResult

    @property
    def kind(self) -> Literal["preference", "constraint"]:
        return "preference" if isinstance(self.rule, Preference) else "constraint"


TieBreak = Literal["experience", "existing_stack", "ecosystem default"]
# The answers that break a tie, in order: what the team knows, then what already runs in production.
TIE_QUESTIONS: tuple[TieBreak, ...] = ("experience", "existing_stack")
TIE_WORDS: dict[str, str] = {
    "experience": "the team's experience",
    "existing_stack": "the systems already in production",
    "ecosystem default": "the ecosystem default",
}


@dataclass(frozen=True)
class Tie:
    """Frameworks that scored the same at the top, and what picked one of them."""

    frameworks: tuple[str, ...]
    decided_by: TieBreak
    detail: str  # the deciding answer (`experience=tensorflow`) or the default framework

    @property
    def text(self) -> str:
        return f"a tie between {', '.join(self.frameworks)}, decided by {TIE_WORDS[self.decided_by]} ({self.detail})"


@dataclass(frozen=True)
class Evaluation:
    facts: Facts
    outcomes: tuple[RuleOutcome, ...]
    scores: dict[str, float]
    excluded: dict[str, tuple[str, ...]]  # framework -> ids of the constraints that ruled it out
    framework: str | None  # None when every framework is ruled out
    tie: Tie | None = None  # set when the top score was shared


@dataclass(frozen=True)
class Reason:
    rule: str
    framework: str
    weight: float
    reason: str
    source: str


@dataclass(frozen=True)
class Flip:
    question: str
    answer: str
    also: tuple[tuple[str, str], ...]  # answers to questions the change brings into play
    framework: str | None

    @property
    def text(self) -> str:
        change = f"{self.question}={self.answer}"
        if self.also:
            change += " with " + ", ".join(f"{q}={a}" for q, a in self.also)
        return f"{change} -> {self.framework or 'no feasible framework'}"


@dataclass(frozen=True)
class Recommendation:
    framework: str | None
    scores: dict[str, float]
    margin: float
    confidence: Confidence
    reasons: tuple[Reason, ...]
    constraints: tuple[Constraint, ...]  # matched constraints, exclusions first
    caveats: tuple[str, ...]
    flips: tuple[Flip, ...]
    evaluation: Evaluation
    ruleset_version: str
    labels: Mapping[str, str] = field(default_factory=dict)  # framework -> display name
    # ISO date: when the rule set's least recently checked rule was checked. User rules without a `checked`
    # date (only they may lack one) are left out; `advisor rules check` notes them.
    oldest_check: str | None = None

    @property
    def tie(self) -> Tie | None:
        return self.evaluation.tie

    @property
    def facts(self) -> Facts:
        return self.evaluation.facts

    def label(self, framework: str | None) -> str:
        return framework_label(self.labels, framework)


def evaluate_rules(ruleset: RuleSet, facts: Facts, explain: bool = True) -> Evaluation:
    """Score every rule. `explain=False` skips the trace text, for trial runs that only need the pick."""
    outcomes: list[RuleOutcome] = []
    scores: dict[str, float] = dict.fromkeys(ruleset.frameworks, 0)  # ints stay ints in the JSON
    excluded: dict[str, list[str]] = {}
    rules: tuple[Rule, ...] = (*ruleset.preferences, *ruleset.constraints)
    for rule in rules:
        if rule.when is None:
            result = ALWAYS
        elif explain:
            result = evaluate(rule.when, facts.answers, facts.skipped)
        else:
            result = ConditionResult(matches(rule.when, facts.answers), "")
        outcomes.append(RuleOutcome(rule, result.matched, result))
        if not result.matched:
            continue
        if isinstance(rule, Preference):
            for name, weight in rule.scores.items():
                scores[name] += weight
        elif rule.effect == "exclude" and rule.framework is not None:
            excluded.setdefault(rule.framework, []).append(rule.id)
    feasible = [f for f in ruleset.frameworks if f not in excluded]
    picked, tie = pick(feasible, scores, facts.answers)
    return Evaluation(facts, tuple(outcomes), scores, {f: tuple(ids) for f, ids in excluded.items()}, picked, tie)


def pick(feasible: list[str], scores: Mapping[str, float], answers: Mapping[str, str]) -> tuple[str | None, Tie | None]:
    """The top-scoring feasible framework; a tie goes to the team's experience, then the existing stack, then
    the first feasible framework in the rule set's order (the ecosystem default)."""
    if not feasible:
        return None, None
    top = max(scores[f] for f in feasible)
    tied = tuple(f for f in feasible if scores[f] == top)
    if len(tied) == 1:
        return tied[0], None
    for question in TIE_QUESTIONS:
        answer = answers.get(question)
        if answer in tied:
            return answer, Tie(tied, question, f"{question}={answer}")
    return tied[0], Tie(tied, "ecosystem default", f"{tied[0]}, the rule set's first framework")


def recommend(ruleset: RuleSet, provided: Mapping[str, str]) -> Recommendation:
    facts = resolve(ruleset.questionnaire, provided)
    evaluation = evaluate_rules(ruleset, facts)
    framework = evaluation.framework
    feasible = [f for f in ruleset.frameworks if f not in evaluation.excluded]
    others = [evaluation.scores[f] for f in feasible if f != framework]
    margin: float = 0
    confidence: Confidence
    if framework is None:
        confidence = "none"
    elif not others:
        confidence = "decided by constraints"
    else:
        margin = evaluation.scores[framework] - max(others)
        confidence = next(label for floor, label in CONFIDENCE_LEVELS if margin >= floor)
    matched = [o for o in evaluation.outcomes if o.matched]
    reasons = sorted(
        (
            Reason(o.rule.id, framework_name, weight, o.rule.reason, o.rule.source)
            for o in matched
            if isinstance(o.rule, Preference)
            for framework_name, weight in o.rule.scores.items()
        ),
        key=lambda reason: (-abs(reason.weight), reason.rule, reason.framework),
    )
    constraints = sorted(
        (o.rule for o in matched if isinstance(o.rule, Constraint)),
        key=lambda rule: (rule.effect != "exclude", rule.id),
    )
    caveats = [_caveat_text(rule) for rule in constraints]
    if framework is None:
        caveats.insert(0, "every framework is ruled out by the constraints above; revisit those answers")
    elif evaluation.tie is not None:
        caveats.append(f"low confidence: {evaluation.tie.text}; both frameworks fit, see the flips below")
    elif confidence == "low":
        caveats.append(
            f"low confidence: the margin is {_number(margin)} point(s), so both frameworks fit; "
            "let the team's experience and the flips below decide"
        )
    return Recommendation(
        framework=framework,
        scores=dict(evaluation.scores),
        margin=margin,
        confidence=confidence,
        reasons=tuple(reasons),
        constraints=tuple(constraints),
        caveats=tuple(caveats),
        flips=tuple(find_flips(ruleset, facts, framework)),
        evaluation=evaluation,
        ruleset_version=ruleset.version,
        labels=dict(ruleset.labels),
        oldest_check=ruleset.oldest_check.isoformat() if ruleset.oldest_check else None,
    )


def find_flips(ruleset: RuleSet, facts: Facts, framework: str | None) -> list[Flip]:
    """Every single-answer change that changes the pick.

    A change can bring a conditional question into play (deploy=browser asks browser_training); then
    each answer to it is tried too, and the flip names it unless its default alone already flips.
    """
    questionnaire = ruleset.questionnaire
    flips: list[Flip] = []
    for question in questionnaire.questions:
        current = facts.answers.get(question.id)
        if current is None:
            continue  # not in play now; it can only flip together with the answer that enables it
        for choice in question.values:
            if choice == current:
                continue
            changed = {qid: facts.answers[qid] for qid in facts.provided if qid in facts.answers}
            changed[question.id] = choice
            base = resolve(questionnaire, changed)
            new = [qid for qid in base.answers if qid not in facts.answers and qid not in changed]
            results = []
            for combo in itertools.product(*(questionnaire.get(qid).values for qid in new)):
                trial = dict(changed, **dict(zip(new, combo)))
                picked = evaluate_rules(ruleset, resolve(questionnaire, trial), explain=False).framework
                results.append((tuple(zip(new, combo)), picked))
            default_combo = tuple((qid, base.answers[qid]) for qid in new)
            default_pick = dict(results).get(default_combo)
            if default_pick != framework:
                flips.append(Flip(question.id, choice, (), default_pick))
                continue
            flips.extend(Flip(question.id, choice, also, picked) for also, picked in results if picked != framework)
    return flips


def _caveat_text(rule: Constraint) -> str:
    who = rule.framework or "any framework"
    prefix = f"{who} ruled out: " if rule.effect == "exclude" else f"{who}: "
    text = prefix + rule.reason
    if rule.workaround:
        text += f" Workaround: {rule.workaround}"
    return text


def _number(value: float) -> str:
    return f"{value:g}"
