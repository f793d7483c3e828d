"""Rules say when their facts were checked; `rules check` warns about stale ones (issue 12)."""

import datetime
import re
import textwrap
from pathlib import Path

import pytest

from advisor.decide.rules import load_ruleset, stale_rules
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


def test_builtin_rule_without_checked_is_a_problem(tmp_path, monkeypatch):
    copy = tmp_path / "rules"
    copy.mkdir()
    for path in rules_dir().iterdir():
        if path.is_file():
            (copy / path.name).write_bytes(path.read_bytes())
    text = (copy / "prefer-team.yaml").read_text()
    (copy / "prefer-team.yaml").write_text(text.replace("    checked: 2026-11-22\n", "", 1))
    monkeypatch.setattr("advisor.decide.rules.builtin_rules_dir", lambda: copy)
    with pytest.raises(RulesError) as raised:
        load_ruleset(use_cache=False)
    assert re.search(r"prefer-team\.yaml:\d+: team-knows-pytorch: missing 'checked'", str(raised.value))


@pytest.mark.parametrize("value, fragment", [
    ("'2026-13-01'", "'checked' must be a date YYYY-MM-DD"),
    ("'yesterday'", "'checked' must be a date YYYY-MM-DD"),
    ("20261122", "'checked' must be a date YYYY-MM-DD, got a number"),
    ("2026-01-01 10:00:00", "'checked' must be a date YYYY-MM-DD"),
    ("2999-01-01", "is in the future"),
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


def test_stale_rules_lists_user_rules_without_checked(tmp_path):
    ruleset = load_ruleset([write(tmp_path / "r")], use_cache=False)
    stale = stale_rules(ruleset, datetime.date(2026, 11, 22), 365)
    assert [(rule.id, rule.checked) for rule in stale] == [("org-pref", None)]


def test_cli_warns_about_stale_rules(tmp_path):
    rules = write(tmp_path / "r", "    checked: 2020-01-01\n")
    days = (datetime.date.today() - datetime.date(2020, 1, 1)).days
    result = run_advisor("rules", "check", "--rules", str(rules))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: ")
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert re.fullmatch(
        rf".*org\.yaml:3: org-pref: checked 2020-01-01, {days} days ago \(older than 365\)", lines[0]
    )
    strict = run_advisor("rules", "check", "--rules", str(rules), "--strict")
    assert strict.returncode == 1 and "org-pref: checked 2020-01-01" in strict.stderr


def test_cli_max_age_and_strict_on_fresh_rules(tmp_path):
    rules = write(tmp_path / "r", f"    checked: {datetime.date.today().isoformat()}\n")
    result = run_advisor("rules", "check", "--rules", str(rules), "--max-age", "30", "--strict")
    assert result.returncode == 0, result.stderr
    assert "org-pref" not in result.stderr
    assert run_advisor("rules", "check", "--max-age", "100000", "--strict").returncode == 0


@pytest.mark.parametrize("value", ["0", "-3", "soon"])
def test_cli_max_age_must_be_positive(value):
    result = run_advisor("rules", "check", "--max-age", value)
    assert result.returncode == 2
    assert "max-age" in result.stderr


def test_builtin_sources_can_be_opened():
    ruleset = load_ruleset(use_cache=False)
    for path in rules_dir().glob("*.yaml"):
        assert "framework-facts-2026.md" not in path.read_text(), path
    for rule in ruleset.rules:
        docs = re.findall(r"\bdocs/[\w./-]+\.md\b", rule.source)
        assert re.search(r"https?://\S+", rule.source) or docs, (rule.id, rule.source)
        for doc in docs:
            assert (REPO / doc).is_file(), (rule.id, doc)
