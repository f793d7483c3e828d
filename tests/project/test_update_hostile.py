"""`advisor update` against hostile settings and failures: each test is a finding of a hostile review."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers.cli import run_advisor
from helpers.trees import tree_bytes

from advisor.project.pristine import PRISTINE_REF, pristine_ref

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
USER = {"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com"}


def git(cwd: Path, *args: str, env: dict | None = None) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, **USER, **(env or {})})
    assert result.returncode == 0, result.stderr
    return result.stdout


def new(path: Path, *args: str, env: dict | None = None) -> Path:
    result = run_advisor("new", str(path), "--no-input", "-a", "task=tabular", *args, env=env)
    assert result.returncode == 0, result.stderr
    return path


def global_config(tmp_path: Path, text: str) -> dict:
    """An environment whose global git configuration is `text` (the real one is left alone)."""
    config = tmp_path / "gitconfig"
    config.write_text(text)
    return {"GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1"}


def test_no_git_identity_anywhere(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "EMAIL": ""}
    project = new(tmp_path / "p", env=env)
    result = run_advisor("update", str(project), "-a", "deploy=android", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "src" / "p" / "export" / "executorch.py").is_file()


@pytest.mark.parametrize("attributes", ["*.py text eol=crlf\n*.md text eol=crlf\n", "* text=auto\n"])
def test_line_ending_attributes_merge_cleanly(tmp_path, attributes):
    project = new(tmp_path / "p")
    (project / ".gitattributes").write_text(attributes)
    git(project, "add", ".gitattributes")
    git(project, "commit", "-qm", "attributes")
    git(project, "rm", "-q", "--cached", "-r", ".")
    git(project, "reset", "-q", "--hard")  # checked out again under the attributes
    result = run_advisor("update", str(project), "-a", "deploy=android")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "CONFLICT" not in result.stdout
    written = (project / "src" / "p" / "export" / "executorch.py").read_bytes()
    assert (b"\r\n" in written) == ("eol=crlf" in attributes)
    assert git(project, "diff", "--name-only", "--", "configs").strip() == ""  # untouched files stay untouched


def test_autocrlf_checkout_gives_no_false_conflicts(tmp_path):
    env = global_config(tmp_path, "[core]\n\tautocrlf = true\n")
    project = new(tmp_path / "p", env=env)
    for path in git(project, "ls-files", env=env).splitlines():
        (project / path).unlink()
    git(project, "checkout", "--", ".", env=env)  # every text file now has CRLF line endings
    assert b"\r\n" in (project / "README.md").read_bytes()
    result = run_advisor("update", str(project), "-a", "deploy=android", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "merged with your edits" not in result.stdout and "CONFLICT" not in result.stdout
    assert b"\r\n" in (project / "src" / "p" / "export" / "executorch.py").read_bytes()


def edit_readme_and_commit(project: Path) -> None:
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("deployment target (**none**)", "deployment target (ours)"))
    git(project, "commit", "-qam", "mine")


def test_a_failure_while_writing_undoes_everything(tmp_path):
    project = new(tmp_path / "p")
    edit_readme_and_commit(project)
    before, tip = tree_bytes(project), git(project, "rev-parse", PRISTINE_REF)
    lock = project / ".git" / "refs" / "advisor" / "pristine.lock"  # the ref cannot move: the last step fails
    lock.write_text("")
    result = run_advisor("update", str(project), "-a", "deploy=android")
    assert result.returncode == 1 and "the update was undone" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert tree_bytes(project) == before
    assert git(project, "status", "--porcelain") == "" and git(project, "rev-parse", PRISTINE_REF) == tip
    lock.unlink()
    assert run_advisor("update", str(project), "-a", "deploy=android").returncode == 1  # now it goes through


def test_a_busy_index_refuses_before_writing(tmp_path):
    project = new(tmp_path / "p")
    edit_readme_and_commit(project)
    before = tree_bytes(project)
    (project / ".git" / "index.lock").write_text("")
    result = run_advisor("update", str(project), "-a", "deploy=android")
    assert result.returncode == 2 and "another git process is using the index" in result.stderr
    assert tree_bytes(project) == before


def test_one_update_at_a_time(tmp_path):
    project = new(tmp_path / "p")
    lock = project / ".git" / "advisor-update.lock"
    lock.write_text(str(os.getpid()))  # a live process holds it
    result = run_advisor("update", str(project), "-a", "deploy=android")
    assert result.returncode == 2 and "another advisor update" in result.stderr
    lock.write_text("999999999")  # left by a process that is gone
    result = run_advisor("update", str(project), "-a", "deploy=android")
    assert result.returncode == 0, result.stderr
    assert not lock.exists()


def test_a_newline_in_the_folder_name(tmp_path):
    outer = tmp_path / "outer"
    outer.mkdir()
    git(outer, "init", "-q")
    project = new(outer / "nl\nx", "--name", "pp")
    assert git(outer, "rev-parse", pristine_ref("nl\nx")).strip()
    assert pristine_ref("nl\nx") == "refs/advisor/pristine_nl%0Ax"
    git(outer, "add", "-A")
    git(outer, "commit", "-qm", "p")
    result = run_advisor("update", str(project), "-a", "deploy=android")
    assert result.returncode == 0, result.stderr
    assert (project / "src" / "pp" / "export" / "executorch.py").is_file()


def test_dry_run_writes_nothing_even_with_an_edited_record_and_stale_stat_data(tmp_path):
    project = new(tmp_path / "p")
    record = project / ".advisor" / "answers.yaml"
    record.write_text(record.read_text().replace('deploy: "none"', 'deploy: "android"'))
    os.utime(project / "README.md")  # stale stat data: git status would refresh the index
    snapshot = {str(p): p.read_bytes() for p in (project / ".git").rglob("*") if p.is_file()}
    result = run_advisor("update", str(project), "--dry-run", "--allow-dirty")
    assert result.returncode == 0, result.stderr
    assert {str(p): p.read_bytes() for p in (project / ".git").rglob("*") if p.is_file()} == snapshot


def test_untracked_files_advisor_does_not_have_stay_out_of_the_repository(tmp_path):
    project = new(tmp_path / "p")
    (project / "notes-big.bin").write_bytes(os.urandom(3_000_000))
    before = sum(p.stat().st_size for p in (project / ".git" / "objects").rglob("*") if p.is_file())
    result = run_advisor("update", str(project), "-a", "deploy=android", "--allow-dirty")
    assert result.returncode == 0, result.stderr
    after = sum(p.stat().st_size for p in (project / ".git" / "objects").rglob("*") if p.is_file())
    assert after - before < 1_000_000  # the new render's objects, not the 3 MB file
    assert (project / "notes-big.bin").stat().st_size == 3_000_000


def test_a_file_named_like_advisors_temporary_file_survives(tmp_path):
    project = new(tmp_path / "p")
    keep = project / ".README.md.advisor-update"
    keep.write_text("mine\n")
    git(project, "add", "-f", keep.name)
    git(project, "commit", "-qm", "odd name")
    assert run_advisor("update", str(project), "-a", "deploy=android").returncode == 0
    assert keep.read_text() == "mine\n"


def test_a_tracked_file_where_the_template_now_puts_a_folder_is_a_conflict(tmp_path):
    project = new(tmp_path / "p")
    (project / "scripts").write_text("my notes on scripts\n")
    git(project, "add", "scripts")
    git(project, "commit", "-qm", "a file named scripts")
    result = run_advisor("update", str(project), "-a", "scale=multi-node")
    assert result.returncode == 1, result.stdout + result.stderr
    assert (project / "scripts").is_dir()
    kept = [p for p in project.iterdir() if p.name.startswith("scripts~")]
    assert kept and kept[0].read_text() == "my notes on scripts\n"  # your file, renamed aside by git


def test_a_path_with_emoji_codes_prints_as_written(tmp_path):
    project = new(tmp_path / "a:b:c")
    result = run_advisor("update", str(project), "-a", "deploy=android")
    assert result.returncode == 0 and "a:b:c" in result.stdout


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give files away")
def test_a_repository_owned_by_someone_else(tmp_path):
    outer = tmp_path / "theirs"
    outer.mkdir()
    git(outer, "init", "-q")
    shutil.chown(outer, "nobody")
    for path in outer.rglob("*"):
        shutil.chown(path, "nobody")
    result = run_advisor("new", str(outer / "p"), "--no-input")
    assert result.returncode == 0, result.stderr
    assert not (outer / "p" / ".git").exists()  # no repository nested in one git refuses
    assert "belongs to another user" in " ".join(result.stdout.split())
    update = run_advisor("update", str(outer / "p"))
    assert update.returncode == 2 and "belongs to another user" in update.stderr


def test_a_fifo_where_a_file_was_is_refused_not_read(tmp_path):
    project = new(tmp_path / "p")
    (project / "README.md").unlink()
    os.mkfifo(project / "README.md")
    result = run_advisor("update", str(project), "-a", "deploy=android", "--allow-dirty")
    assert result.returncode == 2 and "README.md is not a regular file" in result.stderr


def test_a_lock_that_is_a_folder_is_busy_not_a_crash(tmp_path):
    project = new(tmp_path / "p")
    (project / ".git" / "advisor-update.lock").mkdir()
    result = run_advisor("update", str(project), "-a", "deploy=android")
    assert result.returncode == 2 and "another advisor update" in result.stderr


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_mid_update_leaves_the_project_as_it_was_or_updated_whole(tmp_path, signum):
    outcomes = set()
    for delay in (0.3, 0.6, 0.9, 1.3):
        project = new(tmp_path / f"{signum.name}-{delay}")
        before = tree_bytes(project)
        run = subprocess.Popen([sys.executable, "-m", "advisor", "update", str(project), "-a", "deploy=android"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                               env={**os.environ, "NO_COLOR": "1"})
        time.sleep(delay)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signum)  # the whole group, as a terminal's Ctrl-C does
        _, stderr = run.communicate(timeout=120)
        assert "Traceback" not in stderr and run.returncode in (0, 130), (run.returncode, stderr)
        outcomes.add(run.returncode)
        exporters = {p.name for p in (project / "src").glob("*/export/*.py")}
        if "executorch.py" in exporters:  # updated: whole, the record and the pristine ref agree
            assert 'deploy: "android"' in (project / ".advisor" / "answers.yaml").read_text()
            assert "deploy=android" in git(project, "log", "-1", "--format=%s", PRISTINE_REF)
        else:  # untouched
            assert tree_bytes(project) == before and git(project, "status", "--porcelain") == ""
        assert not (project / ".git" / "advisor-update.lock").exists()
    assert 130 in outcomes  # some runs were stopped, and each left a consistent project
