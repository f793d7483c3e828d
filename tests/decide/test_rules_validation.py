"""Each kind of malformed rule file gives its own `file:line: rule-id: problem` message."""

import textwrap

import pytest

from advisor.decide.rules import load_ruleset
from advisor.errors import InputError, RulesError

GOOD = """
preferences:
  - id: org-standard
    when: {question: goal, equals: production}
    scores: {pytorch: 10}
    reason: We standardise on PyTorch.
    source: ACME ML policy 2026-01
"""

# (case id, rule file text, fragment the message must contain, line it must point at or None)
BAD_FILES = [
    ("not-yaml", "preferences: [\n  - id: x\n", "not valid YAML", None),
    ("not-a-mapping", "- just\n- a list\n", "must be a mapping with 'preferences'", None),
    ("unknown-top-key", "rules: []\n", "unknown top-level key 'rules'", 1),
    ("list-expected", "preferences: {id: x}\n", "'preferences' must be a list", 1),
    ("unknown-question", """
        preferences:
          - id: bad-question
            when: {question: gpu, equals: nvidia}
            scores: {pytorch: 1}
            reason: r
            source: s
        """, "bad-question: unknown question 'gpu'", 4),
    ("unknown-choice", """
        preferences:
          - id: bad-choice
            when: {question: deploy, equals: moon}
            scores: {pytorch: 1}
            reason: r
            source: s
        """, "bad-choice: 'moon' is not a choice of 'deploy'", 4),
    ("unknown-operator", """
        preferences:
          - id: bad-op
            when: {question: deploy, matches: server}
            scores: {pytorch: 1}
            reason: r
            source: s
        """, "bad-op: unknown operator 'matches'", 4),
    ("two-operators", """
        preferences:
          - id: two-ops
            when: {question: deploy, equals: server, not_equals: batch}
            scores: {pytorch: 1}
            reason: r
            source: s
        """, "needs exactly one operator", 4),
    ("in-needs-list", """
        preferences:
          - id: in-scalar
            when: {question: deploy, in: server}
            scores: {pytorch: 1}
            reason: r
            source: s
        """, "'in' takes a non-empty list", 4),
    ("empty-all", """
        preferences:
          - id: empty-all
            when: {all: []}
            scores: {pytorch: 1}
            reason: r
            source: s
        """, "'all' takes a non-empty list", 4),
    ("group-with-extra-key", """
        preferences:
          - id: mixed
            when: {any: [{question: goal, equals: research}], question: goal}
            scores: {pytorch: 1}
            reason: r
            source: s
        """, "'any' must stand alone", 4),
    ("nested-problem-line", """
        preferences:
          - id: nested
            when:
              all:
                - {question: goal, equals: research}
                - {question: os, equals: beos}
            scores: {pytorch: 1}
            reason: r
            source: s
        """, "nested: 'beos' is not a choice of 'os'", 7),
    ("unknown-framework", """
        preferences:
          - id: jax-fan
            scores: {jax: 3}
            reason: r
            source: s
        """, "jax-fan: unknown framework 'jax'", 4),
    ("zero-weight", """
        preferences:
          - id: zero
            scores: {pytorch: 0}
            reason: r
            source: s
        """, "weight for 'pytorch' must be a non-zero number", 4),
    ("text-weight", """
        preferences:
          - id: texty
            scores: {pytorch: lots}
            reason: r
            source: s
        """, "must be a non-zero number, got 'lots'", 4),
    ("missing-source", """
        preferences:
          - id: no-source
            scores: {pytorch: 1}
            reason: because
        """, "no-source: missing 'source'", 3),
    ("missing-scores", """
        preferences:
          - id: no-scores
            reason: r
            source: s
        """, "no-scores: 'scores' must map frameworks", 3),
    ("bad-id", """
        preferences:
          - id: Bad Id
            scores: {pytorch: 1}
            reason: r
            source: s
        """, "'id' must be lower-case words", 3),
    ("missing-id", """
        preferences:
          - scores: {pytorch: 1}
            reason: r
            source: s
        """, "preferences[1]: 'id' must be", 3),
    ("unknown-rule-key", """
        preferences:
          - id: extra
            scores: {pytorch: 1}
            reason: r
            source: s
            weight: 3
        """, "extra: unknown key 'weight'", 3),
    ("bad-effect", """
        constraints:
          - id: bad-effect
            framework: tensorflow
            effect: forbid
            reason: r
            source: s
        """, "'effect' must be one of exclude, caveat", 3),
    ("exclude-needs-framework", """
        constraints:
          - id: exclude-all
            effect: exclude
            reason: r
            source: s
        """, "must name the framework it rules out", 3),
    ("duplicate-of-builtin", """
        preferences:
          - id: research-venues
            scores: {pytorch: 1}
            reason: r
            source: s
        """, "research-venues: duplicate rule id (first defined at", 3),
]


def write_rules(tmp_path, text):
    rules = tmp_path / "org-rules"
    rules.mkdir()
    (rules / "policy.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return rules


@pytest.mark.parametrize("text, fragment, line", [case[1:] for case in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_malformed_rule_file_is_reported(tmp_path, text, fragment, line):
    rules = write_rules(tmp_path, text)
    with pytest.raises(RulesError) as caught:
        load_ruleset([rules])
    messages = caught.value.problems
    hit = [m for m in messages if fragment in m]
    assert hit, messages
    assert hit[0].startswith(str(rules / "policy.yaml")), hit[0]
    if line is not None:
        assert hit[0].startswith(f"{rules / 'policy.yaml'}:{line}:"), hit[0]


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    rules = write_rules(tmp_path, """
        preferences:
          - id: one
            scores: {jax: 1}
            reason: r
            source: s
          - id: two
            when: {question: gpu, equals: x}
            scores: {pytorch: 1}
            reason: r
            source: s
        """)
    with pytest.raises(RulesError) as caught:
        load_ruleset([rules])
    assert len(caught.value.problems) == 2


def test_user_rules_layer_on_builtins(tmp_path, ruleset):
    rules = write_rules(tmp_path, GOOD)
    layered = load_ruleset([rules])
    assert len(layered.preferences) == len(ruleset.preferences) + 1
    assert layered.sources[-1] == str(rules)


def test_missing_rules_dir_is_input_error(tmp_path):
    with pytest.raises(InputError, match=r"--rules: '.*nope' is not a directory"):
        load_ruleset([tmp_path / "nope"])


def test_empty_user_dir_is_reported(tmp_path):
    with pytest.raises(RulesError, match="no rule files"):
        load_ruleset([tmp_path])
