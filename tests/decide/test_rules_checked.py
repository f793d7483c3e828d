"""Rules say when their facts were checked; `rules check` warns about stale ones (issue 12)."""

import datetime
import re
import textwrap
from pathlib import Path

import pytest

from advisor.decide.rules import (
    ADVISOR_PAGES,
    FUTURE_TOLERANCE,
    future_rules,
    load_ruleset,
    stale_rules,
    undated_rules,
)
from advisor.errors import RulesError
from advisor.resources import rules_dir
from tests.helpers.cli import run_advisor

REPO = Path(__file__).resolve().parents[2]
RULE = """
preferences:
  - id: org-pref
    when: {{question: goal, equals: production}}
    scores: {{pytorch: 2}}
    reason: Our policy.
    source: ACME ML policy
{checked}"""


def write(directory: Path, checked: str = "") -> Path:
    directory.mkdir(exist_ok=True)
    (directory / "org.yaml").write_text(textwrap.dedent(RULE.format(checked=checked)), encoding="utf-8")
    return directory


def org_rule(ruleset):
    return next(rule for rule in ruleset.preferences if rule.id == "org-pref")


@pytest.mark.parametrize("value", ["2025-01-02", "'2025-01-02'"])
def test_user_rule_may_carry_checked(tmp_path, value):
    ruleset = load_ruleset([write(tmp_path / "r", f"    checked: {value}\n")], use_cache=False)
    assert org_rule(ruleset).checked == datetime.date(2025, 1, 2)


def test_user_rule_without_checked_is_accepted(tmp_path):
    ruleset = load_ruleset([write(tmp_path / "r")], use_cache=False)
    assert org_rule(ruleset).checked is None


def test_every_builtin_rule_has_checked_and_oldest_check():
    ruleset = load_ruleset(use_cache=False)
    assert all(rule.checked is not None for rule in ruleset.rules)
    assert ruleset.oldest_check == min(rule.checked for rule in ruleset.rules)


def builtin_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the built-in rules that load_ruleset takes for the built-in ones."""
    copy = tmp_path / "rules"
    copy.mkdir()
    for path in rules_dir().iterdir():
        if path.is_file():
            (copy / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr("advisor.decide.rules.builtin_rules_dir", lambda: copy)
    return copy


def test_builtin_rule_without_checked_is_a_problem(tmp_path, monkeypatch):
    copy = builtin_copy(tmp_path, monkeypatch)
    text = (copy / "prefer-team.yaml").read_text()
    (copy / "prefer-team.yaml").write_text(text.replace("    checked: 2026-11-22\n", "", 1))
    with pytest.raises(RulesError) as raised:
        load_ruleset(use_cache=False)
    assert re.search(r"prefer-team\.yaml:\d+: team-knows-pytorch: missing 'checked'", str(raised.value))


@pytest.mark.parametrize("value, fragment", [
    ("'2026-13-01'", "'checked' must be a date YYYY-MM-DD"),
    ("'yesterday'", "'checked' must be a date YYYY-MM-DD"),
    ("20261122", "'checked' must be a date YYYY-MM-DD, got a number"),
    ("2026-01-01 10:00:00", "'checked' must be a date YYYY-MM-DD"),
])
def test_bad_checked_is_a_rule_problem_with_file_line(tmp_path, value, fragment):
    with pytest.raises(RulesError) as raised:
        load_ruleset([write(tmp_path / "r", f"    checked: {value}\n")], use_cache=False)
    message = str(raised.value)
    assert re.search(r"org\.yaml:3: org-pref: ", message), message
    assert fragment in message


def test_stale_rules_library(tmp_path):
    ruleset = load_ruleset([write(tmp_path / "r", "    checked: 2025-01-01\n")], use_cache=False)
    today = datetime.date(2026, 1, 2)  # 366 days later; built-in rules are from 2026-11-22, i.e. "in the future"
    stale = stale_rules(ruleset, today, 365)
    assert [rule.id for rule in stale] == ["org-pref"]
    assert stale[0].age_days == 366
    assert stale[0].message().endswith("org-pref: checked 2025-01-01, 366 days ago (older than 365)")
    assert stale_rules(ruleset, today, 366) == []
    with pytest.raises(ValueError):
        stale_rules(ruleset, today, 0)


def test_user_rules_without_checked_are_undated_not_stale(tmp_path):
    ruleset = load_ruleset([write(tmp_path / "r")], use_cache=False)
    assert "org-pref" not in [rule.id for rule in stale_rules(ruleset, datetime.date(2030, 1, 1), 1)]
    assert [rule.id for rule in undated_rules(ruleset)] == ["org-pref"]
    assert ruleset.oldest_check == min(rule.checked for rule in ruleset.rules if rule.checked)  # it is left out


def test_a_checked_date_in_the_future_loads(tmp_path, monkeypatch):
    """A slow clock (or west of UTC on release day) must not stop advisor loading its own rules."""
    ahead = datetime.date.today() + datetime.timedelta(days=400)
    copy = builtin_copy(tmp_path, monkeypatch)
    for path in copy.glob("prefer-*.yaml"):
        path.write_text(re.sub(r"checked: \S+", f"checked: {ahead.isoformat()}", path.read_text()))
    ruleset = load_ruleset([write(tmp_path / "r", "    checked: 2999-01-01\n")], use_cache=False)
    assert org_rule(ruleset).checked == datetime.date(2999, 1, 1)
    assert {rule.checked for rule in ruleset.preferences if rule.id != "org-pref"} == {ahead}


def test_future_rules_warn_only_beyond_a_few_days(tmp_path):
    today = datetime.date(2030, 6, 1)  # injected: the answer never depends on this machine's clock
    for ahead, warned in ((0, False), (1, False), (FUTURE_TOLERANCE, False), (FUTURE_TOLERANCE + 1, True)):
        checked = today + datetime.timedelta(days=ahead)
        ruleset = load_ruleset([write(tmp_path / f"r{ahead}", f"    checked: {checked.isoformat()}\n")], use_cache=False)
        found = [rule for rule in future_rules(ruleset, today) if rule.id == "org-pref"]
        assert bool(found) == warned, ahead
    (rule,) = found
    assert rule.message().endswith(
        f"org-pref: checked {checked.isoformat()}, {FUTURE_TOLERANCE + 1} days after today (2030-06-01): "
        "fix the date, or this machine's clock"
    )


def test_built_in_rules_are_not_in_the_future_of_their_own_check_date():
    ruleset = load_ruleset(use_cache=False)
    newest = max(rule.checked for rule in ruleset.rules)
    assert future_rules(ruleset, newest, 0) == []
    assert stale_rules(ruleset, newest, 365) == []


def test_cli_warns_about_stale_rules(tmp_path):
    rules = write(tmp_path / "r", "    checked: 2020-01-01\n")
    days = (datetime.date.today() - datetime.date(2020, 1, 1)).days
    # One day short of the user rule's age: only it is stale, however old the built-in rules are by then.
    max_age = str(days - 1)
    result = run_advisor("rules", "check", "--rules", str(rules), "--max-age", max_age)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: ")
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert re.fullmatch(
        rf"warning: .*org\.yaml:3: org-pref: checked 2020-01-01, {days} days ago \(older than {max_age}\)", lines[0]
    )
    strict = run_advisor("rules", "check", "--rules", str(rules), "--max-age", max_age, "--strict")
    assert strict.returncode == 1
    assert strict.stderr.splitlines() == [lines[0], f"1 rule(s) older than {max_age} days; exit 1 because of --strict"]


def test_cli_strict_accepts_user_rules_without_checked(tmp_path):
    result = run_advisor("rules", "check", "--rules", str(write(tmp_path / "r")), "--max-age", "100000", "--strict")
    assert result.returncode == 0, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("note: ") and "org-pref: no 'checked' date (optional on your rules" in line
    assert "oldest_check" in line


def test_cli_warns_about_a_date_far_in_the_future(tmp_path):
    ahead = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    rules = write(tmp_path / "r", f"    checked: {ahead}\n")
    result = run_advisor("rules", "check", "--rules", str(rules), "--max-age", "100000")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(rf"warning: .*org-pref: checked {ahead}, 30 days after today \(.*", result.stderr.strip())
    strict = run_advisor("rules", "check", "--rules", str(rules), "--max-age", "100000", "--strict")
    assert strict.returncode == 1
    assert strict.stderr.splitlines()[-1] == "1 rule(s) dated in the future; exit 1 because of --strict"
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    near = run_advisor("rules", "check", "--rules", str(write(tmp_path / "t", f"    checked: {tomorrow}\n")),
                       "--max-age", "100000", "--strict")
    assert near.returncode == 0 and near.stderr == ""


def test_cli_max_age_and_strict_on_fresh_rules(tmp_path):
    rules = write(tmp_path / "r", f"    checked: {datetime.date.today().isoformat()}\n")
    result = run_advisor("rules", "check", "--rules", str(rules), "--max-age", "30", "--strict")
    assert result.returncode == 0, result.stderr
    assert "org-pref" not in result.stderr
    assert run_advisor("rules", "check", "--max-age", "100000", "--strict").returncode == 0


@pytest.mark.parametrize("value", ["0", "-3", "soon", "abc", "1.5", " "])
def test_cli_max_age_must_be_positive(value):
    result = run_advisor("rules", "check", "--max-age", value)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"error: --max-age: must be a positive whole number of days, got '{value}'\n"


URL = re.compile(r"https://[\w.-]+\.[a-z]{2,}(/[\w.~%@+=&?#!:,;/()-]*)?")


def reference_problems(source: str) -> list[str]:
    """The parts of a source that look like a reference (a path, an issue number, a host) but are neither a
    full https:// URL nor one of advisor's shipped pages."""
    problems = []
    for token in source.split():
        word = token.strip("()[]<>\"',;.`")
        if not word:
            continue
        if word.startswith("https://"):
            if not URL.fullmatch(word):
                problems.append(word)
        elif word in ADVISOR_PAGES:
            continue
        elif re.search(r"[/#]|^www\.|^http:|\.(com|org|io|ai|dev|md)\b", word):
            problems.append(word)  # /issues/81987, pycoral#106, pypi.org/..., http://..., docs/other.md
    return problems


@pytest.mark.parametrize("source, bad", [
    ("https://github.com/tensorflow/tensorflow/issues/84167 and /issues/81987", ["/issues/81987"]),
    ("https://coral.ai/docs/edgetpu/models-intro/ and pycoral#106", ["pycoral#106"]),
    ("http://example.org/x", ["http://example.org/x"]),
    ("pypi.org/project/keras-hub", ["pypi.org/project/keras-hub"]),
    ("advisor's docs/facts-2026.md \"Ecosystem\" and docs/elsewhere.md", ["docs/elsewhere.md"]),
    ("https://keras.io/guides/distribution/ (\"only implemented for the JAX backend\")", []),
    ("advisor's docs/facts-2026.md \"Serving\" (shipped with advisor; \"advisor rules check\" prints where)", []),
])
def test_reference_problems_catches_what_a_reader_cannot_open(source, bad):
    assert reference_problems(source) == bad


def test_builtin_sources_can_be_opened():
    ruleset = load_ruleset(use_cache=False)
    for path in rules_dir().glob("*.yaml"):
        assert "framework-facts-2026.md" not in path.read_text(), path
    for rule in ruleset.rules:
        docs = [name for name in ADVISOR_PAGES if name in rule.source]
        assert URL.search(rule.source) or docs, (rule.id, rule.source)
        assert reference_problems(rule.source) == [], (rule.id, rule.source)
        for doc in docs:
            assert (REPO / doc).is_file(), (rule.id, doc)


def test_oldest_check_counts_dated_user_rules_and_leaves_undated_ones_out(tmp_path):
    from advisor.decide.engine import recommend

    builtin = load_ruleset(use_cache=False).oldest_check
    dated = load_ruleset([write(tmp_path / "d", "    checked: 2020-01-01\n")], use_cache=False)
    assert recommend(dated, {}).oldest_check == "2020-01-01"
    undated = load_ruleset([write(tmp_path / "u")], use_cache=False)
    assert recommend(undated, {}).oldest_check == builtin.isoformat()
