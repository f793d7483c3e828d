"""The rule-set cache saves time and never serves stale or broken rules."""

import errno
import json
import os
import pickle
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from advisor.decide import cache
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
    assert len(list(cache_dir.glob("ruleset-*.json"))) == 1
    monkeypatch.setattr("advisor.decide.rules.load_questionnaire", lambda base: pytest.fail("parsed again"))
    assert load_ruleset() == first


def test_editing_a_rule_file_invalidates(cache_dir, tmp_path):
    rules = write_rules(tmp_path / "org", weight=3)
    assert org_weight(load_ruleset([rules])) == 3
    write_rules(rules, weight=12)  # different bytes: a new key
    assert org_weight(load_ruleset([rules])) == 12


def test_adding_a_rule_file_invalidates(cache_dir, tmp_path):
    rules = write_rules(tmp_path / "org", weight=3)
    before = load_ruleset([rules])
    (rules / "more.yaml").write_text(textwrap.dedent(RULE.format(weight=1)).replace("org-pref", "org-more"))
    after = load_ruleset([rules])
    assert len(after.preferences) == len(before.preferences) + 1


def test_corrupt_cache_file_is_ignored(cache_dir):
    expected = load_ruleset()
    for path in cache_dir.glob("ruleset-*.json"):
        path.write_bytes(b"not json")
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


# --- hostile caches (issue 11): a data format, keyed by bytes, checked before use ---


def entry(cache_dir):
    (path,) = cache_dir.glob("ruleset-*.json")
    return path


def test_entries_are_json_data_never_pickles(cache_dir):
    load_ruleset()
    data = json.loads(entry(cache_dir).read_text(encoding="utf-8"))
    assert data["format"] == cache.FORMAT and len(data["key"]) == 64
    assert data["ruleset"]["preferences"][0]["origin"].count(":") >= 1
    assert stat.S_IMODE(entry(cache_dir).stat().st_mode) == 0o600


def test_a_planted_pickle_never_runs(cache_dir, tmp_path):
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    load_ruleset()
    path = entry(cache_dir)
    payload = pickle.dumps(Exploit())
    path.write_bytes(payload)
    (cache_dir / path.name.replace(".json", ".pickle")).write_bytes(payload)
    assert load_ruleset().preferences
    assert not marker.exists()


def test_same_size_same_mtime_edit_is_not_served_stale(cache_dir, tmp_path):
    """`cp -p`, tar, rsync -t: same size and timestamps, new bytes."""
    rules = write_rules(tmp_path / "org", weight=3)
    assert org_weight(load_ruleset([rules])) == 3
    path = rules / "org.yaml"
    before = path.stat()
    path.write_text(path.read_text().replace("pytorch: 3", "pytorch: 7"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert org_weight(load_ruleset([rules])) == 7


def test_origins_are_those_of_the_current_run(cache_dir, tmp_path, monkeypatch):
    rules = write_rules(tmp_path / "org", weight=3)
    monkeypatch.chdir(tmp_path)
    relative = next(p.origin for p in load_ruleset([Path("org")]).preferences if p.id == "org-pref")
    absolute = next(p.origin for p in load_ruleset([rules]).preferences if p.id == "org-pref")
    assert relative.startswith("org/org.yaml:") and absolute.startswith(f"{rules}/org.yaml:")


def tamper(cache_dir, change):
    path = entry(cache_dir)
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def set_weight(data, value):
    data["ruleset"]["preferences"][0]["scores"]["pytorch"] = value


@pytest.mark.parametrize(
    "change",
    [
        lambda d: set_weight(d, float("nan")),
        lambda d: set_weight(d, 1e308),
        lambda d: set_weight(d, "3"),
        lambda d: d["ruleset"]["preferences"][0].update(reason=["a list"]),
        lambda d: d["ruleset"]["constraints"][0].update(effect="forbid"),
        lambda d: d["ruleset"]["preferences"][0].update(when={"kind": "not", "items": []}),
        lambda d: d["ruleset"].update(sources=["/elsewhere"]),
        lambda d: d.update(key="0" * 64),
        lambda d: d.update(format=999),
        lambda d: d.update(ruleset=[]),
        # well-typed but not what validation lets through
        lambda d: d["ruleset"]["preferences"][0].update(reason="R\x1b]8;;http://evil\x1b\\L\u202e"),
        lambda d: d["ruleset"]["labels"].update(pytorch="Py\x1b[2JTorch"),
        lambda d: d["ruleset"]["preferences"][0].update(id="[bold]Not-An-Id"),
        lambda d: d["ruleset"]["preferences"][1].update(id=d["ruleset"]["preferences"][0]["id"]),
        lambda d: d["ruleset"]["preferences"][0].update(when={"question": "moon", "operator": "equals", "value": "x"}),
        lambda d: d["ruleset"]["preferences"][0].update(when={"question": "os", "operator": "equals", "value": "x"}),
        lambda d: d["ruleset"]["questionnaire"].update(frameworks=["pytorch", "tensorflow", "jax"]),
        lambda d: d["ruleset"]["questionnaire"].update(questions=d["ruleset"]["questionnaire"]["questions"][:1]),
    ],
    ids=["nan", "huge", "text-weight", "list-reason", "bad-effect", "bad-not", "sources", "key", "format", "shape",
         "escapes", "label-escapes", "bad-id", "duplicate-id", "unknown-question", "unknown-choice", "unknown-framework",
         "missing-questions"],
)
def test_tampered_entries_are_ignored(cache_dir, change):
    expected = load_ruleset()
    tamper(cache_dir, change)
    assert load_ruleset() == expected


def test_deeply_nested_entry_is_ignored(cache_dir):
    expected = load_ruleset()
    entry(cache_dir).write_text("[" * 100_000 + "]" * 100_000)
    assert load_ruleset() == expected


def test_entry_writable_by_others_is_ignored(cache_dir, monkeypatch):
    load_ruleset()
    tamper(cache_dir, lambda d: d["ruleset"]["preferences"][0].update(reason="TAMPERED"))
    entry(cache_dir).chmod(0o666)
    assert all(p.reason != "TAMPERED" for p in load_ruleset().preferences)


def test_a_safe_entry_is_served(cache_dir):
    """The control for the tests around it: a well-formed entry of the user's own is what is read."""
    load_ruleset()
    tamper(cache_dir, lambda d: d["ruleset"]["preferences"][0].update(reason="TAMPERED"))
    assert any(p.reason == "TAMPERED" for p in load_ruleset().preferences)


def test_entry_owned_by_someone_else_is_ignored(cache_dir, monkeypatch):
    load_ruleset()
    tamper(cache_dir, lambda d: d["ruleset"]["preferences"][0].update(reason="TAMPERED"))
    monkeypatch.setattr(os, "getuid", lambda: os.stat(cache_dir).st_uid + 1)
    assert all(p.reason != "TAMPERED" for p in load_ruleset().preferences)


def test_group_writable_cache_dir_is_ignored(cache_dir):
    load_ruleset()
    tamper(cache_dir, lambda d: d["ruleset"]["preferences"][0].update(reason="TAMPERED"))
    cache_dir.chmod(0o777)
    try:
        assert all(p.reason != "TAMPERED" for p in load_ruleset().preferences)
    finally:
        cache_dir.chmod(0o700)


def test_symlinked_entry_is_ignored(cache_dir, tmp_path):
    load_ruleset()
    tamper(cache_dir, lambda d: d["ruleset"]["preferences"][0].update(reason="TAMPERED"))
    path = entry(cache_dir)
    elsewhere = tmp_path / "elsewhere.json"
    path.rename(elsewhere)
    path.symlink_to(elsewhere)
    assert all(p.reason != "TAMPERED" for p in load_ruleset().preferences)


def test_fifo_at_the_entry_or_in_the_dir_never_hangs(cache_dir):
    expected = load_ruleset()
    path = entry(cache_dir)
    path.unlink()
    os.mkfifo(path)
    os.mkfifo(cache_dir / "ruleset-other.json")
    start = time.monotonic()
    assert load_ruleset() == expected
    assert time.monotonic() - start < 5


def test_oversized_entry_is_ignored(cache_dir, monkeypatch):
    expected = load_ruleset()
    monkeypatch.setattr(cache, "MAX_ENTRY_BYTES", 100)
    assert load_ruleset() == expected


def test_full_disk_leaves_no_temporary_file(cache_dir, monkeypatch):
    real_write = os.write

    def full(descriptor, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    assert load_ruleset().preferences
    monkeypatch.setattr(os, "write", real_write)
    assert list(cache_dir.iterdir()) == []


def test_interrupted_write_leaves_no_temporary_file(cache_dir, monkeypatch):
    def interrupted(source, target):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        load_ruleset()
    assert list(cache_dir.iterdir()) == []


def test_rules_check_reads_the_files_not_the_cache(cache_dir, tmp_path):
    rules = write_rules(tmp_path / "org", weight=3)
    load_ruleset([rules])
    tamper(cache_dir, lambda d: d["ruleset"]["preferences"][-1]["scores"].update(pytorch=99))
    assert org_weight(load_ruleset([rules])) == 99  # the cache is trusted when it is safe...
    (rules / "org.yaml").write_text(RULE.format(weight="oops"), encoding="utf-8")
    os.utime(rules / "org.yaml", ns=(0, 0))
    result = subprocess.run(
        [sys.executable, "-m", "advisor", "rules", "check", "--rules", str(rules)],
        capture_output=True, text=True, env={**os.environ, "ADVISOR_CACHE_DIR": str(cache_dir)},
    )
    assert result.returncode == 1 and "weight for 'pytorch' must be a non-zero number" in result.stderr


def test_rules_check_never_uses_the_cache(cache_dir, tmp_path, monkeypatch):
    from advisor.cli.decide import rules_check

    monkeypatch.setattr(cache, "load", lambda key: pytest.fail("rules check read the cache"))
    rules_check(None)
