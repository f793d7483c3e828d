"""A recommendation as plain data: the `--json` output and what a generated project's DECISION.md shows."""

from __future__ import annotations

from typing import Any

from advisor.decide.engine import Reason, Recommendation
from advisor.decide.rules import Constraint


def reason_dict(reason: Reason) -> dict[str, Any]:
    return {
        "rule": reason.rule,
        "framework": reason.framework,
        "weight": reason.weight,
        "reason": reason.reason,
        "source": reason.source,
    }


def constraint_dict(constraint: Constraint) -> dict[str, Any]:
    return {
        "rule": constraint.id,
        "framework": constraint.framework,
        "effect": constraint.effect,
        "reason": constraint.reason,
        "workaround": constraint.workaround,
        "source": constraint.source,
    }


def tie_dict(rec: Recommendation) -> dict[str, Any] | None:
    """The tie at the top and what decided it (`experience`, `existing_stack`, `ecosystem default`), or None."""
    tie = rec.tie
    if tie is None:
        return None
    return {"frameworks": list(tie.frameworks), "decided_by": tie.decided_by, "detail": tie.detail, "text": tie.text}


def recommendation_dict(rec: Recommendation, trace: bool = True) -> dict[str, Any]:
    facts = rec.facts
    data: dict[str, Any] = {
        "framework": rec.framework,
        "scores": dict(rec.scores),
        "margin": rec.margin,
        "confidence": rec.confidence,
        "reasons": [reason_dict(reason) for reason in rec.reasons],
        "constraints": [constraint_dict(constraint) for constraint in rec.constraints],
        "caveats": list(rec.caveats),
        "flips": [
            {"question": f.question, "answer": f.answer, "with": dict(f.also), "framework": f.framework, "text": f.text}
            for f in rec.flips
        ],
        "defaulted": list(facts.defaulted),
        "answers": dict(facts.answers),
        "ignored": list(facts.ignored),
        "ruleset_version": rec.ruleset_version,
        "oldest_check": rec.oldest_check,
        "tie": tie_dict(rec),
    }
    if trace:
        data["trace"] = [
            {
                "rule": o.rule.id,
                "kind": o.kind,
                "matched": o.matched,
                "condition": o.result.to_dict(),
                "why_not": o.result.why_not(),
                "origin": o.rule.origin,
            }
            for o in rec.evaluation.outcomes
        ]
    return data
