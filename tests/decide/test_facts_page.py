"""advisor's own page cited by rule sources (docs/facts-2026.md) ships with advisor and can be opened: the
wheel carries it, and `rules check` prints where it is (the checkout's copy, or the installed one)."""

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from advisor.cli.decide import rules_check
from advisor.decide.rules import ADVISOR_PAGES, advisor_page, cited_pages, load_ruleset
from advisor.errors import RulesError
from tests.helpers.cli import run_advisor

REPO = Path(__file__).resolve().parents[2]
PAGE = "docs/facts-2026.md"


def test_the_page_is_force_included_into_the_wheel_data():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    included = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    for page in ADVISOR_PAGES:
        assert included[page] == f"advisor/_data/{page}"


def test_builtin_rules_cite_it_as_advisors_own_page():
    ruleset = load_ruleset(use_cache=False)
    citing = [rule for rule in ruleset.rules if cited_pages(rule.source)]
    assert citing, "some built-in rule cites advisor's page"
    for rule in citing:
        # Never a bare "docs/facts-2026.md", which a generated project's DECISION.md would seem to hold in its docs/.
        assert f"advisor's {PAGE}" in rule.source, (rule.id, rule.source)
        assert "advisor rules check" in rule.source


def test_advisor_page_prefers_the_installed_copy(tmp_path, monkeypatch):
    package = tmp_path / "site" / "advisor"
    monkeypatch.setattr("advisor.decide.rules._PACKAGE_DIR", package)
    assert advisor_page(PAGE) is None  # neither installed nor in a checkout beside it
    installed = package / "_data" / PAGE
    installed.parent.mkdir(parents=True)
    installed.write_text("# facts\n", encoding="utf-8")
    assert advisor_page(PAGE) == installed
    assert advisor_page("docs/other.md") is None  # only advisor's own pages


def test_rules_check_prints_where_the_page_is():
    result = run_advisor("rules", "check", "--max-age", "100000")
    assert result.returncode == 0, result.stderr
    assert f"cited page {PAGE}: {REPO / PAGE}\n" in result.stdout


def test_rules_check_fails_when_the_page_is_missing(monkeypatch):
    monkeypatch.setattr("advisor.decide.rules.advisor_page", lambda name: None)
    with pytest.raises(RulesError) as raised:
        rules_check(rules=None, max_age="100000", strict=False)
    assert all(f"cites {PAGE}, which this installation of advisor lacks" in line for line in raised.value.problems)
    assert len(raised.value.problems) == sum(1 for rule in load_ruleset().rules if cited_pages(rule.source))


def test_the_installed_wheel_ships_the_page_and_rules_check_points_at_it(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(REPO)],
        check=True, capture_output=True,
    )
    wheel = next(tmp_path.glob("advisor-*.whl"))
    assert f"advisor/_data/{PAGE}" in zipfile.ZipFile(wheel).namelist()
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True, capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = run_advisor("rules", "check", "--max-age", "100000", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    installed = target / "advisor" / "_data" / PAGE
    assert f"cited page {PAGE}: {installed}\n" in result.stdout
    assert installed.read_text(encoding="utf-8") == (REPO / PAGE).read_text(encoding="utf-8")
