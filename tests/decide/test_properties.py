"""Property tests (issue 11): whatever bytes an answers or rule file holds, the only failures are domain errors.

Bounded for CI: each test runs at most 150 examples, without deadlines; the file takes a few seconds.
"""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.decide.answers import collect
from advisor.decide.conditions import check_condition
from advisor.decide.rules import load_ruleset
from advisor.errors import InputError, RulesError

BOUNDED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Pieces of YAML that matter to the loaders: structure, aliases, tags, typed scalars, rule vocabulary.
FRAGMENTS = [
    "preferences:", "constraints:", "\n", "\n  - ", "\n    ", "id: ", "when: ", "scores: ", "reason: ", "source: ",
    "framework: ", "effect: ", "workaround: ", "question: ", "equals: ", "in: ", "all: ", "any: ", "not: ",
    "goal", "deploy", "research", "server", "pytorch", "tensorflow", "exclude", "caveat", "x-y", "name: ",
    "description: ", "record: ", "answers: ", "defaulted: ", "{", "}", "[", "]", ", ", ": ", "- ", "&a ", "*a",
    "!!int ", "!!float ", "!!binary ", "!!timestamp ", "!!python/object:os.system ", "!!set ", "<<: ", "? ",
    "yes", "no", "on", "~", "null", "0", "1", "-3", "0x1F", "012", "1e400", "1.0e+300", ".nan", ".inf", "-.inf",
    "12:30:00", "2024-01-01", "'", '"', "#", "|", ">", "---", "...", "%YAML 1.1", "\t", "\x00", "\x85", "\ufeff",
    "é", "\u202e", "\ud800",
]
yamlish = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join)


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("properties")


@pytest.fixture(autouse=True)
def no_cache(monkeypatch):
    monkeypatch.setenv("ADVISOR_NO_CACHE", "1")


def answers_outcome(ruleset, path, content: bytes) -> None:
    path.write_bytes(content)
    try:
        collected = collect(ruleset.questionnaire, (), path)
    except InputError as error:
        message = str(error)
        assert message.startswith("--answers: ") and "\n" not in message and len(message) < 600, message
        return
    assert all(isinstance(value, str) for value in collected.answers.values())


@BOUNDED
@given(content=st.binary(max_size=400))
def test_any_bytes_as_answers_file(ruleset, workdir, content):
    answers_outcome(ruleset, workdir / "bytes.yaml", content)


@BOUNDED
@given(text=yamlish)
def test_any_yamlish_text_as_answers_file(ruleset, workdir, text):
    answers_outcome(ruleset, workdir / "text.yaml", encode(text))


def rules_outcome(directory, content: bytes) -> None:
    directory.mkdir(exist_ok=True)
    (directory / "policy.yaml").write_bytes(content)
    try:
        load_ruleset([directory])
    except RulesError as error:
        path = str(directory / "policy.yaml")
        for problem in error.problems:
            assert len(problem) < 600, problem
            if problem.startswith(path):
                assert problem[len(path)] == ":" and problem[len(path) + 1].isdigit(), problem


@BOUNDED
@given(content=st.binary(max_size=400))
def test_any_bytes_as_rule_file(workdir, content):
    rules_outcome(workdir / "bytes-rules", content)


@BOUNDED
@given(text=yamlish)
def test_any_yamlish_text_as_rule_file(workdir, text):
    rules_outcome(workdir / "text-rules", encode(text))


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10),
    st.sampled_from(["goal", "research", "deploy", "server", "all", "any", "not", "question", "equals", "in"]),
)
conditions = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["all", "any", "not", "question", "equals", "in", "not_in", "x"]), inner,
                        max_size=3),
    ),
    max_leaves=30,
)


@BOUNDED
@given(data=conditions)
def test_any_condition_data_gives_a_condition_or_problems(ruleset, data):
    condition, problems = check_condition(data, ruleset.questionnaire.choices())
    assert (condition is None) == bool(problems)
    if condition is not None:
        condition.describe()


def test_properties_stay_out_of_the_cache():
    assert os.environ.get("ADVISOR_NO_CACHE") == "1"
