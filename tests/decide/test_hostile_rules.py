"""Hostile rule files (issue 11): every problem is a rule problem with file:line, all listed, fast, no traceback."""

import json
import textwrap
import time

import pytest
from helpers.hostile import BOMB

from advisor.decide.conditions import MAX_DEPTH, check_condition, parse_condition
from advisor.decide.rules import load_ruleset
from advisor.errors import RulesError


def rule_dir(tmp_path, text, name="policy.yaml"):
    rules = tmp_path / "org"
    rules.mkdir(exist_ok=True)
    path = rules / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return rules


def problems_of(rules):
    with pytest.raises(RulesError) as caught:
        load_ruleset([rules])
    return caught.value.problems


def nested_not(depth):
    condition = "{question: goal, equals: research}"
    for _ in range(depth):
        condition = "{not: " + condition + "}"
    return condition


def preference(rule_id="p", when=None, scores="{pytorch: 1}", reason="r", source="s"):
    lines = ["preferences:", f"  - id: {rule_id}"]
    if when is not None:
        lines.append(f"    when: {when}")
    lines += [f"    scores: {scores}", f"    reason: {reason}", f"    source: {source}"]
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_fast(tmp_path):
    rules = rule_dir(tmp_path, BOMB)
    start = time.monotonic()
    problems = problems_of(rules)
    assert time.monotonic() - start < 2
    assert problems == [f"{rules / 'policy.yaml'}:2: aliases (*name) are not allowed"]


def test_any_alias_is_refused(tmp_path):
    rules = rule_dir(tmp_path, """
        preferences:
          - &rule
            id: a
            scores: {pytorch: 1}
            reason: r
            source: s
          - *rule
        """)
    assert problems_of(rules) == [f"{rules / 'policy.yaml'}:8: aliases (*name) are not allowed"]


def test_duplicate_keys_are_problems_naming_the_key(tmp_path):
    rules = rule_dir(tmp_path, """
        preferences:
          - id: d
            scores: {pytorch: 1}
            reason: first
            reason: second
            source: s
        """)
    assert problems_of(rules) == [f"{rules / 'policy.yaml'}:6: duplicate key 'reason'"]


def test_duplicate_top_level_lists_do_not_drop_rules_silently(tmp_path):
    rules = rule_dir(tmp_path, preference("one") + preference("two"))
    assert problems_of(rules) == [f"{rules / 'policy.yaml'}:6: duplicate key 'preferences'"]


@pytest.mark.parametrize("depth", [25, 190, 5000])
def test_deep_conditions_are_a_problem_not_a_recursion_error(tmp_path, depth):
    rules = rule_dir(tmp_path, preference(when=nested_not(depth)))
    (problem,) = problems_of(rules)
    assert problem.startswith(f"{rules / 'policy.yaml'}:3: ")
    assert "nested more than" in problem


def test_deep_yaml_anywhere_is_a_problem(tmp_path):
    rules = rule_dir(tmp_path, "preferences: " + "[" * 10_000 + "]" * 10_000 + "\n")
    assert problems_of(rules) == [f"{rules / 'policy.yaml'}:1: nested more than 50 levels deep"]


def test_parse_condition_bounds_depth_itself():
    condition = {"question": "goal", "equals": "research"}
    for _ in range(MAX_DEPTH + 5):
        condition = {"not": condition}
    with pytest.raises(Exception, match="nested more than"):
        parse_condition(condition, {"goal": ("research",)})


def test_conditions_at_the_limit_still_work(ruleset):
    condition = {"question": "goal", "equals": "research"}
    for _ in range(MAX_DEPTH - 1):
        condition = {"not": condition}
    parsed, problems = check_condition(condition, ruleset.questionnaire.choices())
    assert problems == [] and parsed is not None and parsed.describe().startswith("not (")


def test_non_utf8_rule_file_is_a_problem_with_its_line(tmp_path):
    rules = rule_dir(tmp_path, preference(reason="caf\xe9").encode("latin-1"))
    (problem,) = problems_of(rules)
    assert problem.startswith(f"{rules / 'policy.yaml'}:4: not UTF-8")


def test_non_utf8_is_listed_with_the_other_problems(tmp_path):
    rules = rule_dir(tmp_path, preference(rule_id="Bad"))
    rule_dir(tmp_path, b"preferences:\n  - id: x\xff\n", name="z.yaml")
    problems = problems_of(rules)
    assert len(problems) == 2 and "not UTF-8" in problems[1] and ":2:" in problems[1]


@pytest.mark.parametrize(
    "scores, fragment",
    [
        ("{pytorch: .nan}", "weight for 'pytorch' must be a finite number, got nan"),
        ("{pytorch: .inf}", "weight for 'pytorch' must be a finite number, got inf"),
        ("{pytorch: -.inf}", "weight for 'pytorch' must be a finite number, got -inf"),
        ("{pytorch: 1.0e+300}", "weight for 'pytorch' must be between -1000 and 1000"),
        ("{pytorch: -1001}", "weight for 'pytorch' must be between -1000 and 1000"),
        ("{pytorch: " + "9" * 400 + "}", "must be between -1000 and 1000, got 9999"),
        ("{pytorch: yes}", "weight for 'pytorch' must be a non-zero number, got a boolean"),
        # YAML 1.1 would read these as 90, 16 and 10: a weight is a plain decimal number
        ("{pytorch: 1:30}", "weight for 'pytorch' must be a non-zero number, got '1:30'"),
        ("{pytorch: 0x10}", "weight for 'pytorch' must be a non-zero number, got '0x10'"),
        ("{pytorch: 1_0}", "weight for 'pytorch' must be a non-zero number, got '1_0'"),
    ],
)
def test_unusable_weights_are_problems(tmp_path, scores, fragment):
    rules = rule_dir(tmp_path, preference(scores=scores))
    (problem,) = problems_of(rules)
    assert problem.startswith(f"{rules / 'policy.yaml'}:3: p: ") and fragment in problem
    assert len(problem) < 300


def test_a_leading_zero_is_still_decimal(tmp_path):
    rules = rule_dir(tmp_path, preference(scores="{pytorch: 010, tensorflow: -2.5e1}"))
    assert load_ruleset([rules]).preferences[-1].scores == {"pytorch": 10, "tensorflow": -25.0}


def test_weights_at_the_limit_are_fine(tmp_path):
    rules = rule_dir(tmp_path, preference(scores="{pytorch: 1000, tensorflow: -999.5}"))
    assert load_ruleset([rules]).preferences[-1].scores == {"pytorch": 1000, "tensorflow": -999.5}


@pytest.mark.parametrize(
    "field, value, kind",
    [
        ("reason", "yes", "a boolean (yes)"),
        ("reason", "12.5", "a number (12.5)"),
        ("source", "2024-01-01", "a date (2024-01-01)"),
        ("source", "[a, b]", "a list"),
        ("reason", "{a: b}", "a mapping"),
        ("source", "3.5", "a number (3.5)"),
    ],
)
def test_coerced_text_fields_are_problems_naming_the_field(tmp_path, field, value, kind):
    rules = rule_dir(tmp_path, preference(**{field: value}))
    assert problems_of(rules) == [f"{rules / 'policy.yaml'}:2: p: '{field}' must be text, got {kind}"]


def test_constraint_text_fields_are_checked(tmp_path):
    rules = rule_dir(tmp_path, """
        constraints:
          - id: c
            framework: tensorflow
            effect: caveat
            reason: r
            source: s
            workaround: no
        """)
    assert problems_of(rules) == [f"{rules / 'policy.yaml'}:3: c: 'workaround' must be text, got a boolean (no)"]


def test_every_problem_of_one_rule_is_listed_each_with_a_line(tmp_path):
    rules = rule_dir(tmp_path, """
        preferences:
          - id: Not Valid
            when: {question: nope, equals: x}
            scores: {jax: 1, pytorch: .nan}
            reason: yes
            extra: 1
        """)
    problems = problems_of(rules)
    fragments = [
        "unknown key 'extra'", "'id' must be", "'reason' must be text", "missing 'source'",
        "unknown question 'nope'", "unknown framework 'jax'", "must be a finite number",
    ]
    for fragment in fragments:
        assert any(fragment in problem for problem in problems), (fragment, problems)
    assert len(problems) == len(fragments)
    path = str(rules / "policy.yaml")
    assert all(problem.startswith(path + ":") and problem[len(path) + 1].isdigit() for problem in problems)


@pytest.mark.parametrize(
    "text",
    [
        "- just\n- a list\n",
        "",
        "rules: []\n",
        "preferences: {id: x}\n",
        "preferences: [1, [2], {}]\n",
        "constraints:\n  - {id: c, effect: [x], framework: {a: b}, reason: r, source: s}\n",
        "preferences:\n  - {id: x, when: {question: [goal], equals: x}, scores: {pytorch: 1}, reason: r, source: s}\n",
        "preferences:\n  - {id: x, when: {question: goal, in: [[research]]}, scores: {pytorch: 1}, reason: r, source: s}\n",
        "preferences: !!python/object:os.system x\n",
        "preferences: !!int nope\n",
        "!!float ",
        "!!int ",
        "preferences: !!timestamp 2024-13-45\n",
        "preferences: !!binary '%%%'\n",
        "[unclosed\n",
        "a: \x01\n",
    ],
)
def test_every_message_has_a_line(tmp_path, text):
    rules = rule_dir(tmp_path, text)
    path = str(rules / "policy.yaml")
    for problem in problems_of(rules):
        assert problem.startswith(path + ":") and problem[len(path) + 1].isdigit(), problem


def test_huge_values_are_not_echoed(tmp_path):
    huge = "x" * 100_000
    rules = rule_dir(tmp_path, f"{huge}: 1\npreferences:\n  - id: {huge}\n    scores: {{{huge}: 1}}\n    reason: r\n")
    problems = problems_of(rules)
    assert problems and all(len(problem) < 400 for problem in problems)


def test_fifo_in_a_rule_dir_never_hangs(tmp_path):
    import os

    rules = rule_dir(tmp_path, preference())
    os.mkfifo(rules / "zz.yaml")
    start = time.monotonic()
    assert load_ruleset([rules]).preferences[-1].id == "p"
    assert time.monotonic() - start < 5


def test_rules_check_lists_everything_and_exits_1(tmp_path, advisor_cli):
    rules = rule_dir(tmp_path, preference(scores="{pytorch: .nan}") + BOMB.replace("a:", "z:", 1))
    result = advisor_cli("rules", "check", "--rules", str(rules))
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_recommend_json_never_prints_nan_or_infinity(tmp_path, advisor_cli):
    rules = rule_dir(tmp_path, preference(scores="{pytorch: .inf}"))
    result = advisor_cli("recommend", "--json", "--rules", str(rules))
    assert result.returncode == 1 and "must be a finite number" in result.stderr and result.stdout == ""
    good = advisor_cli("recommend", "--json", "-a", "deploy=server")
    assert good.returncode == 0
    json.loads(good.stdout, parse_constant=lambda name: pytest.fail(f"{name} in --json output"))


@pytest.mark.parametrize("field", ["reason", "source"])
@pytest.mark.parametrize("text", ["R\x1b[31mRED", "link\x1b]8;;http://evil\x1b\\x", "bell\x07", "bidi\u202eX"])
def test_control_and_bidi_characters_in_rule_text_are_problems(tmp_path, field, text):
    values = {"reason": "r", "source": "https://example.com", field: text}
    rules = rule_dir(tmp_path, json.dumps({"preferences": [
        {"id": "p", "scores": {"pytorch": 1}, "reason": values["reason"], "source": values["source"]}
    ]}), name="policy.json")
    (problem,) = problems_of(rules)
    assert f"'{field}' must be plain text" in problem and "\x1b" not in problem


def test_questions_must_keep_the_contracts_ids(tmp_path):
    from advisor.decide.questions import load_questionnaire
    from advisor.resources import rules_dir

    text = (rules_dir() / "questions.yaml").read_text(encoding="utf-8").replace("id: existing_stack", "id: stack")
    with pytest.raises(RulesError) as caught:
        load_questionnaire(rules_dir(), text.encode())
    assert caught.value.problems[-1].endswith("missing the contract's questions: existing_stack")
