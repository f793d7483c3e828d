"""`why_not`: the constraints that rule a framework out and the fewest answer changes that would pick it."""

import dataclasses
import json
import textwrap

import pytest

from advisor.decide.engine import recommend
from advisor.decide.questions import resolve
from advisor.decide.rules import load_ruleset
from advisor.decide.whynot import why_not
from advisor.errors import InputError


def own_rules(tmp_path, text):
    """The built-in questionnaire with only the rules in `text` (a user rule file), so weights are known here."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "policy.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    ruleset = load_ruleset([rules], use_cache=False)
    mine = str(rules)
    return dataclasses.replace(
        ruleset,
        preferences=tuple(rule for rule in ruleset.preferences if rule.origin.startswith(mine)),
        constraints=tuple(rule for rule in ruleset.constraints if rule.origin.startswith(mine)),
    )


def applied(ruleset, provided, change_set):
    """The provided answers (those asked) with the change set applied."""
    facts = resolve(ruleset.questionnaire, provided)
    base = {qid: facts.answers[qid] for qid in facts.provided if qid in facts.answers}
    return {**base, **change_set.as_answers()}


def assert_every_change_picks_it(ruleset, provided, result):
    for change_set in result.changes:
        rec = recommend(ruleset, applied(ruleset, provided, change_set))
        assert rec.framework == result.framework, change_set.text
        assert rec.scores == change_set.scores
        assert rec.margin == change_set.margin
        for question, (old, new) in change_set.changes:
            assert new in ruleset.questionnaire.get(question).values
            assert new != old
            assert rec.facts.answers[question] == new  # the changed question is asked


TEAM = """
preferences:
  - id: default-pytorch
    scores: {pytorch: 3}
    reason: r
    source: s
  - id: team-tf
    when: {question: experience, equals: tensorflow}
    scores: {tensorflow: 4}
    reason: r
    source: s
  - id: tpu-tf
    when: {question: hardware, equals: tpu}
    scores: {tensorflow: 5}
    reason: r
    source: s
"""

PAIR = """
preferences:
  - id: default-pytorch
    scores: {pytorch: 3}
    reason: r
    source: s
  - id: production-tf
    when: {question: goal, equals: production}
    scores: {tensorflow: 2}
    reason: r
    source: s
  - id: android-tf
    when: {question: deploy, equals: android}
    scores: {tensorflow: 2}
    reason: r
    source: s
"""

BROWSER = """
preferences:
  - id: default-pytorch
    scores: {pytorch: 1}
    reason: r
    source: s
  - id: browser-training-tf
    when: {question: browser_training, equals: "yes"}
    scores: {tensorflow: 5}
    reason: r
    source: s
"""

EXCLUDE = """
preferences:
  - id: default-pytorch
    scores: {pytorch: 3}
    reason: r
    source: s
constraints:
  - id: no-pytorch-on-coral
    when: {question: deploy, equals: coral}
    framework: pytorch
    effect: exclude
    reason: Coral runs TFLite only.
    workaround: Export through LiteRT.
    source: https://example.org/coral
  - id: tf-never
    framework: tensorflow
    effect: exclude
    reason: Banned here.
    workaround: none
    source: policy
"""


def test_single_change_flips_and_is_reported_with_old_and_new(tmp_path):
    ruleset = own_rules(tmp_path, TEAM)
    result = why_not(ruleset, {"experience": "pytorch"}, "tensorflow")
    assert not result.already_recommended and result.recommended == "pytorch"
    assert result.scores == {"pytorch": 3, "tensorflow": 0}
    assert result.searched_size == 1 and result.found == 2
    # Largest margin first: the TPU change leads by 2, the team change by 1.
    assert [c.changes for c in result.changes] == [
        (("hardware", ("cpu", "tpu")),),
        (("experience", ("pytorch", "tensorflow")),),
    ]
    assert [c.margin for c in result.changes] == [2, 1]
    assert result.blockers == ()
    assert_every_change_picks_it(ruleset, {"experience": "pytorch"}, result)


def test_a_change_that_wins_a_tie_says_what_broke_it(tmp_path):
    ruleset = own_rules(tmp_path, TEAM.replace("scores: {tensorflow: 4}", "scores: {tensorflow: 3}"))
    result = why_not(ruleset, {}, "tensorflow")
    team = next(c for c in result.changes if c.as_answers() == {"experience": "tensorflow"})
    assert team.margin == 0 and team.scores == {"pytorch": 3, "tensorflow": 3}
    assert team.tie is not None and "experience=tensorflow" in team.tie
    assert result.changes[0].as_answers() == {"hardware": "tpu"}  # a lead of 2 before a won tie
    assert_every_change_picks_it(ruleset, {}, result)


def test_two_changes_needed_when_no_single_one_does(tmp_path):
    ruleset = own_rules(tmp_path, PAIR)
    result = why_not(ruleset, {}, "tensorflow")
    assert result.searched_size == 2
    assert [c.changes for c in result.changes] == [(("goal", ("prototype", "production")), ("deploy", ("none", "android")))]
    assert result.changes[0].scores == {"pytorch": 3, "tensorflow": 4}
    assert result.changes[0].margin == 1
    assert "2 answers" in result.note
    assert_every_change_picks_it(ruleset, {}, result)


def test_conditional_question_changes_only_where_it_is_asked(tmp_path):
    ruleset = own_rules(tmp_path, BROWSER)
    # browser_training is not asked unless deploy=browser: it takes both changes, the old answer "not asked".
    result = why_not(ruleset, {}, "tensorflow")
    assert [c.changes for c in result.changes] == [(("deploy", ("none", "browser")), ("browser_training", (None, "yes")))]
    assert result.to_dict()["changes"][0]["changes"] == {"deploy": ["none", "browser"], "browser_training": [None, "yes"]}
    assert_every_change_picks_it(ruleset, {}, result)
    # Once deploy=browser is given, it is one change.
    asked = why_not(ruleset, {"deploy": "browser"}, "tensorflow")
    assert [c.changes for c in asked.changes] == [(("browser_training", ("no", "yes")),)]
    # An answer given to a question that is not asked is not a starting point.
    ignored = why_not(ruleset, {"browser_training": "yes"}, "tensorflow")
    assert [c.changes for c in ignored.changes] == [c.changes for c in result.changes]


def test_excluded_framework_shows_the_constraint_and_the_changes_that_lift_it(tmp_path):
    ruleset = own_rules(tmp_path, EXCLUDE.replace("  - id: tf-never", "  - id: unused\n    when: {question: os, equals: macos}"))
    result = why_not(ruleset, {"deploy": "coral"}, "pytorch")
    assert result.recommended == "tensorflow"
    (blocker,) = result.blockers
    assert blocker.to_dict() == {
        "rule": "no-pytorch-on-coral",
        "reason": "Coral runs TFLite only.",
        "workaround": "Export through LiteRT.",
        "source": "https://example.org/coral",
        "condition": "deploy = coral",
    }
    # Every other deploy answer lifts it (8 of them, all kept in choice order: equal margins); the text shows 5.
    assert result.found == 8 and len(result.changes) == 8
    assert [c.as_answers()["deploy"] for c in result.shown] == ["none", "server", "batch", "android", "ios"]
    assert all(c.lifts == ("no-pytorch-on-coral",) for c in result.changes)
    assert result.truncation == "(showing 5 of 8; --json lists all)"
    assert len(result.to_dict()["changes"]) == 8
    assert_every_change_picks_it(ruleset, {"deploy": "coral"}, result)


def test_always_excluded_framework_has_no_changes_and_says_why(tmp_path):
    ruleset = own_rules(tmp_path, EXCLUDE)
    result = why_not(ruleset, {}, "tensorflow")
    assert result.changes == () and result.found == 0
    assert [b.rule for b in result.blockers] == ["tf-never"] and result.blockers[0].condition == "always"
    assert "ruled out whatever the answers, by tf-never" in result.note
    assert result.searched_size == 3  # searched in full, and nothing lifts it


def test_already_recommended(ruleset):
    pick = recommend(ruleset, {"goal": "research"}).framework
    result = why_not(ruleset, {"goal": "research"}, pick)
    assert result.already_recommended and result.recommended == pick
    assert result.changes == () and result.blockers == () and result.evaluations == 0
    assert "already the recommendation" in result.note
    assert result.to_dict()["already_recommended"] is True


def test_framework_named_by_label_any_case_or_refused(ruleset):
    other = next(f for f in ruleset.frameworks if f != recommend(ruleset, {}).framework)
    assert why_not(ruleset, {}, ruleset.label(other).upper()).framework == other
    with pytest.raises(InputError, match="--why-not: 'jax' is not one of pytorch, tensorflow"):
        why_not(ruleset, {}, "jax")


def test_budget_caps_the_search_and_says_so(tmp_path):
    ruleset = own_rules(tmp_path, PAIR)
    result = why_not(ruleset, {}, "tensorflow", max_evaluations=100)  # 34 singles fit, 493 pairs do not
    assert result.changes == () and result.searched_size == 1 and result.evaluations == 34
    assert "over the evaluation budget" in result.note


BUILT_IN_CASES = [
    {},
    {"goal": "production", "deploy": "server", "hardware": "nvidia", "scale": "multi-gpu", "experience": "tensorflow"},
    {"goal": "research", "task": "llm", "pretrained": "yes", "experience": "pytorch"},
    {"deploy": "browser", "browser_training": "yes"},
    {"deploy": "android", "hardware": "apple", "os": "macos"},
    {"deploy": "microcontroller", "task": "audio"},
    {"hardware": "tpu", "scale": "multi-node", "task": "llm"},
]


@pytest.mark.parametrize("answers", BUILT_IN_CASES, ids=lambda a: ",".join(f"{k}={v}" for k, v in a.items()) or "defaults")
def test_built_in_rules_every_reported_change_really_picks_the_framework(ruleset, answers):
    pick = recommend(ruleset, answers).framework
    for framework in ruleset.frameworks:
        result = why_not(ruleset, answers, framework)
        assert result.already_recommended == (framework == pick)
        if framework == pick:
            continue
        assert result.evaluations <= 5000
        sizes = {c.size for c in result.changes}
        assert len(sizes) <= 1 and sizes <= {result.searched_size}  # only the smallest size is reported
        keys = [(not c.lifts, -c.margin) for c in result.changes]
        assert keys == sorted(keys)  # blocker-lifting changes first, then the best margin
        assert all(c.lifts == tuple(b.rule for b in result.blockers) for c in result.changes if c.lifts)
        excluded = recommend(ruleset, answers).evaluation.excluded.get(framework, ())
        assert [b.rule for b in result.blockers] == list(excluded)
        assert_every_change_picks_it(ruleset, answers, result)
        if not result.changes:
            assert result.note


def test_deterministic_and_json_ready(ruleset):
    answers = {"goal": "research", "task": "llm", "pretrained": "yes", "experience": "pytorch"}
    reordered = dict(reversed(list(answers.items())))
    first = why_not(ruleset, answers, "tensorflow").to_dict()
    assert why_not(ruleset, reordered, "tensorflow").to_dict() == first
    assert json.loads(json.dumps(first)) == first
    assert set(first) == {
        "framework", "recommended", "already_recommended", "scores", "blockers", "changes", "found",
        "searched_size", "evaluations", "note",
    }
    for change in first["changes"]:
        assert set(change) == {"changes", "scores", "margin", "excluded", "tie", "lifts", "text"}


def test_built_in_rules_team_experience_is_a_single_change_away(ruleset):
    # On default answers the runner-up is one answer away: a team that knows it.
    pick = recommend(ruleset, {}).framework
    other = next(f for f in ruleset.frameworks if f != pick)
    result = why_not(ruleset, {}, other)
    assert result.searched_size == 1 and result.found >= 1
    assert any(c.as_answers() == {"experience": other} for c in recommend_all(ruleset, other))
    assert_every_change_picks_it(ruleset, {}, result)


def recommend_all(ruleset, framework):
    """Every single change that picks `framework` from default answers (not just the first five)."""
    return why_not(ruleset, {}, framework, limit=100).changes


def test_the_change_that_lifts_the_blocker_comes_first_even_with_a_smaller_margin(ruleset):
    # Training in the browser rules PyTorch out; moving deploy elsewhere scores PyTorch higher (edge: 3), but
    # browser_training: yes -> no is the change that lifts the constraint and keeps every other answer.
    answers = {"deploy": "browser", "browser_training": "yes"}
    result = why_not(ruleset, answers, "pytorch")
    assert [b.rule for b in result.blockers] == ["browser-training-needs-tfjs"]
    first = result.changes[0]
    assert first.as_answers() == {"browser_training": "no"}
    assert first.lifts == ("browser-training-needs-tfjs",)
    assert max(c.margin for c in result.changes) > first.margin  # a margin sort would have put it lower
    assert all(not c.lifts for c in result.changes if "deploy" in c.as_answers())  # they drop browser_training
    assert_every_change_picks_it(ruleset, answers, result)


def test_outscored_framework_keeps_the_margin_order(tmp_path):
    ruleset = own_rules(tmp_path, TEAM)
    result = why_not(ruleset, {"experience": "pytorch"}, "tensorflow")
    assert result.blockers == () and all(c.lifts == () for c in result.changes)
    assert [c.margin for c in result.changes] == [2, 1] and result.truncation is None


def test_limit_only_trims_what_the_text_shows(tmp_path):
    ruleset = own_rules(tmp_path, TEAM)
    result = why_not(ruleset, {"experience": "pytorch"}, "tensorflow", limit=1)
    assert len(result.changes) == 2 and len(result.shown) == 1
    assert result.truncation == "(showing 1 of 2; --json lists all)"
