"""Engine behaviour: traces, flips, ties, exclusions, determinism, layered user policy."""

import textwrap

import pytest

from advisor.decide.engine import evaluate_rules, pick, recommend
from advisor.decide.questions import resolve
from advisor.decide.rules import load_ruleset


def test_trace_covers_every_rule_matched_or_not(ruleset):
    rec = recommend(ruleset, {"deploy": "server"})
    outcomes = rec.evaluation.outcomes
    assert len(outcomes) == len(ruleset.preferences) + len(ruleset.constraints)
    unmatched = [o for o in outcomes if not o.matched]
    assert unmatched and all(o.result.why_not() for o in unmatched)
    micro = next(o for o in outcomes if o.rule.id == "microcontroller-litert-micro")
    assert micro.result.why_not() == ["deploy = microcontroller: no (deploy=server)"]


def test_why_not_names_a_question_that_was_not_asked(ruleset):
    rec = recommend(ruleset, {"deploy": "server"})
    outcome = next(o for o in rec.evaluation.outcomes if o.rule.id == "browser-training-needs-tfjs")
    assert any("browser_training not asked (only when deploy = browser)" in r for r in outcome.result.why_not())


def test_scores_are_the_sum_of_matched_weights(ruleset):
    rec = recommend(ruleset, {"goal": "research", "experience": "tensorflow"})
    expected = dict.fromkeys(ruleset.frameworks, 0)
    for reason in rec.reasons:
        expected[reason.framework] += reason.weight
    assert rec.scores == expected
    assert rec.margin == rec.scores["pytorch"] - rec.scores["tensorflow"]


def test_reasons_are_ordered_by_weight(ruleset):
    rec = recommend(ruleset, {"goal": "research", "task": "llm", "pretrained": "yes"})
    weights = [abs(reason.weight) for reason in rec.reasons]
    assert weights == sorted(weights, reverse=True)


def test_every_flip_really_flips(ruleset):
    answers = {"deploy": "android"}
    rec = recommend(ruleset, answers)
    assert rec.flips
    for flip in rec.flips:
        changed = dict(answers, **{flip.question: flip.answer}, **dict(flip.also))
        assert recommend(ruleset, changed).framework == flip.framework != rec.framework


def test_no_flip_is_missed(ruleset):
    """Brute force over single-answer changes agrees with the flips the engine reports."""
    answers = {"goal": "education", "os": "windows", "hardware": "nvidia"}
    rec = recommend(ruleset, answers)
    reported = {(f.question, f.answer) for f in rec.flips}
    for question in ruleset.questionnaire.questions:
        if question.id not in rec.facts.answers:
            continue
        for choice in question.values:
            if choice == rec.facts.answers[question.id]:
                continue
            changed = recommend(ruleset, dict(answers, **{question.id: choice}))
            if changed.framework != rec.framework:
                assert (question.id, choice) in reported


def test_flip_through_a_conditional_question_names_it(ruleset):
    rec = recommend(ruleset, {})
    browser = [f for f in rec.flips if f.question == "deploy" and f.answer == "browser"]
    assert [f.text for f in browser] == ["deploy=browser with browser_training=yes -> tensorflow"]


def test_defaulted_and_ignored(ruleset):
    rec = recommend(ruleset, {"goal": "research", "browser_training": "yes"})
    assert "goal" not in rec.facts.defaulted
    assert "deploy" in rec.facts.defaulted
    assert rec.facts.ignored == ("browser_training",)
    assert "browser_training" not in rec.facts.answers


def test_deterministic(ruleset):
    first = recommend(ruleset, {"task": "audio", "deploy": "microcontroller"})
    second = recommend(load_ruleset(), {"task": "audio", "deploy": "microcontroller"})
    assert first.scores == second.scores and first.flips == second.flips and first.reasons == second.reasons


def test_a_tie_with_no_team_answer_goes_to_the_ecosystem_default(ruleset):
    facts = resolve(ruleset.questionnaire, {"deploy": "android"})
    evaluation = evaluate_rules(ruleset, facts)
    if evaluation.scores["pytorch"] != evaluation.scores["tensorflow"]:
        pytest.skip("the built-in rules no longer tie here; test_a_tie_says_what_decided_it_everywhere covers it")
    assert evaluation.framework == ruleset.frameworks[0] == "pytorch"
    assert evaluation.tie is not None and evaluation.tie.decided_by == "ecosystem default"


def write_policy(tmp_path, text):
    directory = tmp_path / "policy"
    directory.mkdir()
    (directory / "org.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return directory


def test_organisation_policy_layers_on_top(tmp_path):
    policy = write_policy(tmp_path, """
        preferences:
          - id: org-standardises-on-pytorch
            scores: {pytorch: 20}
            reason: ACME standardises on PyTorch.
            source: ACME engineering handbook 2026-03
        """)
    rec = recommend(load_ruleset([policy]), {"deploy": "microcontroller", "experience": "tensorflow"})
    assert rec.framework == "pytorch"
    assert rec.reasons[0].rule == "org-standardises-on-pytorch"


def test_when_every_framework_is_excluded_the_pick_is_none(tmp_path):
    policy = write_policy(tmp_path, """
        constraints:
          - id: org-bans-tensorflow
            framework: tensorflow
            effect: exclude
            reason: ACME does not run TensorFlow.
            source: ACME policy
        """)
    rec = recommend(load_ruleset([policy]), {"deploy": "browser", "browser_training": "yes"})
    assert rec.framework is None
    assert rec.confidence == "none"
    assert "every framework is ruled out" in rec.caveats[0]


# --- ties: the team's experience, then the existing stack, then the ecosystem default -------------------


@pytest.mark.parametrize(
    "answers, framework, decided_by",
    [
        ({"experience": "tensorflow", "existing_stack": "pytorch"}, "tensorflow", "experience"),
        ({"experience": "pytorch", "existing_stack": "tensorflow"}, "pytorch", "experience"),
        ({"experience": "both", "existing_stack": "tensorflow"}, "tensorflow", "existing_stack"),
        ({"experience": "none", "existing_stack": "none"}, "pytorch", "ecosystem default"),
    ],
)
def test_a_tie_goes_to_the_team_then_the_stack_then_the_default(answers, framework, decided_by):
    picked, tie = pick(["pytorch", "tensorflow"], {"pytorch": 3, "tensorflow": 3}, answers)
    assert picked == framework and tie is not None and tie.decided_by == decided_by
    assert tie.frameworks == ("pytorch", "tensorflow")


def test_no_tie_no_tie_break():
    assert pick(["pytorch", "tensorflow"], {"pytorch": 3, "tensorflow": 2}, {"experience": "tensorflow"}) == (
        "pytorch", None
    )
    # a framework ruled out cannot win a tie, whatever the team knows
    assert pick(["pytorch"], {"pytorch": 3, "tensorflow": 3}, {"experience": "tensorflow"}) == ("pytorch", None)


def balancing_rules(tmp_path, ruleset, answers):
    """A user rule that levels the built-in scores for `answers`, so the pick is a tie."""
    scores = recommend(ruleset, answers).scores
    low = min(scores, key=lambda f: scores[f])
    gap = max(scores.values()) - scores[low]
    rules = tmp_path / "balance"
    rules.mkdir()
    if gap:
        (rules / "balance.yaml").write_text(
            f"preferences:\n  - id: level-the-scores\n    scores: {{{low}: {gap}}}\n"
            "    reason: levels the scores for this test\n    source: https://example.com\n"
        )
    else:
        (rules / "balance.yaml").write_text(
            "preferences:\n  - id: level-nothing\n    when: {question: goal, equals: research}\n"
            "    scores: {pytorch: 1, tensorflow: 1}\n    reason: r\n    source: https://example.com\n"
        )
    return rules


@pytest.mark.parametrize("experience, stack, framework, decided_by", [
    ("tensorflow", "pytorch", "tensorflow", "experience"),
    ("pytorch", "tensorflow", "pytorch", "experience"),
    ("both", "tensorflow", "tensorflow", "existing_stack"),
    ("none", "none", "pytorch", "ecosystem default"),
])
def test_a_tie_says_what_decided_it_everywhere(tmp_path, ruleset, experience, stack, framework, decided_by):
    from advisor.decide.serialize import recommendation_dict

    answers = {"goal": "production", "task": "vision", "hardware": "nvidia", "scale": "multi-gpu",
               "experience": experience, "existing_stack": stack}
    rec = recommend(load_ruleset([balancing_rules(tmp_path, ruleset, answers)]), answers)
    assert rec.scores["pytorch"] == rec.scores["tensorflow"]
    assert rec.framework == framework and rec.tie is not None and rec.tie.decided_by == decided_by
    assert rec.confidence == "low" and any(rec.tie.text in caveat for caveat in rec.caveats)
    data = recommendation_dict(rec)
    assert data["framework"] == framework and data["tie"]["decided_by"] == decided_by
    # DECISION.md gets the same sentence
    from advisor.project.plan import plan_generation
    from advisor.project.settings import project_settings

    assert plan_generation(rec, project_settings("tied")).context()["_advisor"]["tie"] == rec.tie.text
