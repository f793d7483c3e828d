"""Engine behaviour: traces, flips, ties, exclusions, determinism, layered user policy."""

import textwrap

from advisor.decide.engine import evaluate_rules, recommend
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


def test_tie_goes_to_first_framework(ruleset):
    facts = resolve(ruleset.questionnaire, {"deploy": "android"})
    evaluation = evaluate_rules(ruleset, facts)
    assert evaluation.scores["pytorch"] == evaluation.scores["tensorflow"]
    assert evaluation.framework == ruleset.frameworks[0] == "pytorch"


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
