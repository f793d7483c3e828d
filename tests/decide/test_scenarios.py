"""Recommendation scenarios from tests/decide/scenarios/*.yaml: answers in, framework and fired rules out."""

from pathlib import Path

import pytest
import yaml

from advisor.decide.engine import recommend

SCENARIO_DIR = Path(__file__).parent / "scenarios"
SCENARIOS = [
    case
    for path in sorted(SCENARIO_DIR.glob("*.yaml"))
    for case in yaml.safe_load(path.read_text(encoding="utf-8"))
]


@pytest.mark.parametrize("case", SCENARIOS, ids=[case["name"] for case in SCENARIOS])
def test_scenario(case, ruleset):
    answers = {key: ruleset.questionnaire.get(key).validate(value) for key, value in case["answers"].items()}
    rec = recommend(ruleset, answers)
    fired = {outcome.rule.id for outcome in rec.evaluation.outcomes if outcome.matched}
    known = {outcome.rule.id for outcome in rec.evaluation.outcomes}

    assert rec.framework == case["framework"], rec.scores
    if "confidence" in case:
        assert rec.confidence == case["confidence"], (rec.scores, rec.margin)
    for rule_id in case.get("fired", []):
        assert rule_id in known, f"scenario names unknown rule {rule_id}"
        assert rule_id in fired, f"{rule_id} should have fired"
    for rule_id in case.get("not_fired", []):
        assert rule_id in known, f"scenario names unknown rule {rule_id}"
        assert rule_id not in fired, f"{rule_id} should not have fired"
    if "excluded" in case:
        assert case["excluded"] in rec.evaluation.excluded
    for text in case.get("caveat_mentions", []):
        assert any(text.lower() in caveat.lower() for caveat in rec.caveats), (text, rec.caveats)
    if "tie" in case:  # what broke the tie: experience, existing_stack, ecosystem default; or none
        assert (rec.tie.decided_by if rec.tie else "none") == case["tie"], rec.scores
    flip_texts = [flip.text for flip in rec.flips]
    for text in case.get("flips", []):
        assert text in flip_texts, flip_texts


def test_every_rule_is_exercised_by_some_scenario(ruleset):
    """A rule no scenario fires is untested data."""
    fired: set[str] = set()
    for case in SCENARIOS:
        answers = {k: ruleset.questionnaire.get(k).validate(v) for k, v in case["answers"].items()}
        rec = recommend(ruleset, answers)
        fired |= {o.rule.id for o in rec.evaluation.outcomes if o.matched}
    all_rules = {rule.id for rule in (*ruleset.preferences, *ruleset.constraints)}
    assert all_rules - fired == set()
