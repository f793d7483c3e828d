"""The rule-set cache saves time and never serves stale or broken rules."""

import os
import subprocess
import sys
import textwrap

import pytest

from advisor.decide.rules import load_ruleset
from advisor.errors import RulesError

RULE = """
preferences:
  - id: org-pref
    scores: {{pytorch: {weight}}}
    reason: House standard.
    source: policy 2026
"""


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(directory))
    monkeypatch.delenv("ADVISOR_NO_CACHE", raising=False)
    return directory


def write_rules(directory, weight):
    directory.mkdir(exist_ok=True)
    (directory / "org.yaml").write_text(textwrap.dedent(RULE.format(weight=weight)), encoding="utf-8")
    return directory


def org_weight(ruleset):
    return next(p.scores["pytorch"] for p in ruleset.preferences if p.id == "org-pref")


def test_second_load_comes_from_the_cache(cache_dir, monkeypatch):
    first = load_ruleset()
    assert len(list(cache_dir.glob("ruleset-*.pickle"))) == 1
    monkeypatch.setattr("advisor.decide.rules.load_questionnaire", lambda base: pytest.fail("parsed again"))
    assert load_ruleset() == first


def test_editing_a_rule_file_invalidates(cache_dir, tmp_path):
    rules = write_rules(tmp_path / "org", weight=3)
    assert org_weight(load_ruleset([rules])) == 3
    write_rules(rules, weight=12)  # different size, newer mtime: a new key
    assert org_weight(load_ruleset([rules])) == 12


def test_adding_a_rule_file_invalidates(cache_dir, tmp_path):
    rules = write_rules(tmp_path / "org", weight=3)
    before = load_ruleset([rules])
    (rules / "more.yaml").write_text(textwrap.dedent(RULE.format(weight=1)).replace("org-pref", "org-more"))
    after = load_ruleset([rules])
    assert len(after.preferences) == len(before.preferences) + 1


def test_corrupt_cache_file_is_ignored(cache_dir):
    expected = load_ruleset()
    for path in cache_dir.glob("ruleset-*.pickle"):
        path.write_bytes(b"not a pickle")
    assert load_ruleset() == expected


def test_invalid_rules_are_never_cached(cache_dir, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.yaml").write_text("preferences:\n  - id: x\n    scores: {jax: 1}\n    reason: r\n    source: s\n")
    for _ in range(2):
        with pytest.raises(RulesError):
            load_ruleset([bad])


def test_cache_can_be_turned_off(cache_dir, monkeypatch):
    monkeypatch.setenv("ADVISOR_NO_CACHE", "1")
    load_ruleset()
    assert not cache_dir.exists()


def test_unwritable_cache_dir_is_harmless(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(blocker / "sub"))
    assert load_ruleset().preferences


def test_warm_recommend_does_not_import_yaml(cache_dir):
    code = textwrap.dedent("""
        import sys, io, contextlib
        from advisor import cli
        sys.argv = ["advisor", "recommend", "--json"]
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                cli.main()
            except SystemExit:
                pass
        print("yaml" in sys.modules)
    """)
    env = {**os.environ, "ADVISOR_CACHE_DIR": str(cache_dir)}
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env) for _ in range(2)]
    assert [run.stdout.strip() for run in runs] == ["True", "False"]


def test_an_empty_rule_dir_is_reported_even_with_a_warm_cache(cache_dir, tmp_path):
    load_ruleset()  # warm the cache for the built-ins alone
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(RulesError, match="no rule files"):
        load_ruleset([empty])


def test_sources_follow_the_directories(cache_dir, tmp_path):
    rules = write_rules(tmp_path / "org", weight=3)
    assert load_ruleset([rules]).sources[-1] == str(rules)
    assert len(load_ruleset().sources) == 1
