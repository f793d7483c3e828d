"""The answer space, baked: every value of every question renders, and a pairwise spread of
framework x task x deploy x hardware x scale gives projects that compile, lint clean and record their answers.
The slow tier smoke-tests a pairwise subset (accelerator tests excluded: this machine has none)."""

import itertools
import subprocess
import sys

import pytest
from helpers.pairwise import all_pairs
from helpers.trees import check_tree

from advisor.decide.rules import load_ruleset
from advisor.project.create import ProjectRequest, create_project
from advisor.project.record import read_record
from advisor.project.settings import project_settings
from advisor.project.smoke import run_smoke

PAIRWISE_DIMENSIONS = ("framework", "task", "deploy", "hardware", "scale")
CPU_ONLY = "smoke and not (cuda or rocm or mps or tpu or xpu)"


def answer_space(ruleset):
    """Pairwise rows over the five dimensions; the other questions cycle through every value."""
    choices = ruleset.questionnaire.choices()
    dimensions = {"framework": list(ruleset.frameworks), **{d: list(choices[d]) for d in PAIRWISE_DIMENSIONS[1:]}}
    rows = all_pairs(dimensions)
    others = [q for q in ruleset.questionnaire.ids() if q not in dimensions and q != "browser_training"]
    cycles = {q: itertools.cycle(choices[q]) for q in others}
    browser = itertools.cycle(choices["browser_training"])
    for row in rows:
        row.update({q: next(cycle) for q, cycle in cycles.items()})
        if row["deploy"] == "browser":
            row["browser_training"] = next(browser)
    return rows


def generate(ruleset, row, root):
    answers = {key: value for key, value in row.items() if key != "framework"}
    name = "p-" + "-".join(row[d] for d in PAIRWISE_DIMENSIONS)
    request = ProjectRequest(root / name, answers, project_settings(name, None, row["framework"]))
    return create_project(ruleset, request).path


@pytest.fixture(scope="module")
def space(tmp_path_factory):
    ruleset = load_ruleset()
    root = tmp_path_factory.mktemp("space")
    rows = answer_space(ruleset)
    return ruleset, rows, [generate(ruleset, row, root) for row in rows], root


def test_every_value_of_every_question_is_rendered(space):
    ruleset, rows, _, _ = space
    for question in ruleset.questionnaire.questions:
        seen = {row.get(question.id) for row in rows}
        assert set(question.values) <= seen, f"{question.id}: {set(question.values) - seen} never rendered"
    assert {row["framework"] for row in rows} == set(ruleset.frameworks)


def test_pairs_are_covered(space):
    ruleset, rows, _, _ = space
    for a, b in itertools.combinations(PAIRWISE_DIMENSIONS, 2):
        values = {"framework": ruleset.frameworks, **ruleset.questionnaire.choices()}
        wanted = set(itertools.product(values[a], values[b]))
        assert wanted == {(row[a], row[b]) for row in rows}, (a, b)


def test_every_project_is_clean_and_records_its_answers(space):
    _, rows, projects, _ = space
    for row, project in zip(rows, projects):
        assert check_tree(project) == [], project.name
        record = read_record(project)
        assert record.framework == row["framework"], project.name
        assert dict(record.answers) == {k: v for k, v in row.items() if k != "framework"}


def test_every_project_lints_clean_under_its_own_ruff_config(space):
    pytest.importorskip("ruff")
    _, _, _, root = space
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", str(root)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def smoke_subset(rows):
    """One row per framework x multi-device scale, preferring accelerator targets and varied tasks."""
    picked = {}
    for row in rows:
        key = (row["framework"], row["scale"])
        if row["scale"] != "single" and key not in picked and row["hardware"] != "cpu":
            picked[key] = row
    return list(picked.values())


@pytest.mark.slow
def test_a_pairwise_subset_passes_its_cpu_smoke_tests(space):
    _, rows, projects, _ = space
    by_row = {id(row): project for row, project in zip(rows, projects)}
    subset = smoke_subset(rows)
    assert {(r["framework"], r["scale"]) for r in subset} == {
        (f, s) for f in ("pytorch", "tensorflow") for s in ("multi-gpu", "multi-node")
    }
    for row in subset:
        report = run_smoke(by_row[id(row)], marker=CPU_ONLY)
        failures = [t for t in report.tests if t.outcome in ("failed", "error")]
        assert report.ok and not failures, (row, failures, report.output[-3000:])
        names = " ".join(t.name for t in report.tests)
        assert "distributed" in names, (row, names)
