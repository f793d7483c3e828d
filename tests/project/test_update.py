"""`advisor update` and the git repository `advisor new` makes: a scenario per point of the contract.

Each test generates a real project, acts as its user would (edits, commits, deletions, renames) and runs the
real CLI. git's own view (status codes, index stages, mergetool) is checked where the contract promises it.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.cli import run_advisor
from helpers.trees import tree_bytes

from advisor.project.pristine import PRISTINE_REF, pristine_ref

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
USER = {"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com"}
MARKERS = ("<<<<<<< yours", "=======", ">>>>>>> advisor ")


def git(cwd: Path, *args: str, check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **USER})
    assert not check or result.returncode == 0, result.stderr
    return result.stdout


def commit_all(cwd: Path, message: str = "my work") -> None:
    git(cwd, "add", "-A", ".")
    git(cwd, "commit", "-q", "-m", message)


def new(path: Path, *args: str) -> Path:
    result = run_advisor("new", str(path), "--no-input", "-a", "task=tabular", *args)
    assert result.returncode == 0, result.stderr
    return path


def update(path: Path, *args: str, cwd: Path | None = None):
    return run_advisor("update", str(path), *args, cwd=cwd)


def said(result) -> str:
    """What a run printed, as one line: prose wraps with the terminal's width."""
    return " ".join(result.stdout.split())


def status(cwd: Path) -> list[str]:
    return git(cwd, "status", "--porcelain=v1", "--untracked-files=all").splitlines()


def set_line(path: Path, prefix: str, line: str) -> None:
    """Replace the line starting with `prefix` (there must be one)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    hits = [i for i, text in enumerate(lines) if text.startswith(prefix)]
    assert hits, f"no line starts with {prefix!r} in {path}"
    lines[hits[0]] = line + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def git_snapshot(project: Path) -> dict[str, bytes]:
    """Every file of the repository's .git folder: to prove a run wrote nothing there."""
    root = project / ".git"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- advisor new and git --------------------------------------------------------------------------------


def test_new_makes_a_repository_with_one_commit_that_is_the_pristine_state(tmp_path):
    project = new(tmp_path / "p")
    assert git(project, "rev-list", "--count", "HEAD").strip() == "1"
    assert status(project) == []  # the working tree is exactly the commit
    assert git(project, "rev-parse", "HEAD") == git(project, "rev-parse", PRISTINE_REF)
    tracked = set(git(project, "ls-files").splitlines())
    assert tracked == {str(p) for p in tree_bytes(project)}
    assert "Generate p with advisor" in git(project, "log", "-1", "--format=%s")


def test_new_no_git_makes_no_repository(tmp_path):
    project = new(tmp_path / "p", "--no-git")
    assert not (project / ".git").exists()
    result = update(project)
    assert result.returncode == 2 and "is not in a git repository" in result.stderr
    assert "git -C" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_new_inside_a_work_tree_commits_nothing_and_records_the_pristine_state(tmp_path):
    outer = tmp_path / "mono"
    outer.mkdir()
    git(outer, "init", "-q")
    (outer / "app.py").write_text("print('hi')\n")
    commit_all(outer, "mine")
    head, index = git(outer, "rev-parse", "HEAD"), (outer / ".git" / "index").read_bytes()
    project = new(outer / "services" / "my vision", "--name", "vision-svc")
    assert not (project / ".git").exists()
    assert git(outer, "rev-parse", "HEAD") == head and (outer / ".git" / "index").read_bytes() == index
    ref = pristine_ref("services/my vision")
    assert ref == "refs/advisor/pristine_services%2Fmy%20vision"
    pristine = set(git(outer, "ls-tree", "-r", "--name-only", ref).splitlines())
    assert pristine == {str(p) for p in tree_bytes(project)}


# --- advisor update: the contract -----------------------------------------------------------------------


def test_nothing_changed_is_a_no_op(tmp_path):
    project = new(tmp_path / "p")
    before, refs = tree_bytes(project), git_snapshot(project)
    result = update(project)
    assert result.returncode == 0, result.stderr
    assert "Up to date" in said(result)
    assert tree_bytes(project) == before and git_snapshot(project) == refs


def test_a_changed_answer_is_merged_uncommitted_and_a_second_update_is_a_no_op(tmp_path):
    project = new(tmp_path / "p")
    head = git(project, "rev-parse", "HEAD")
    result = update(project, "-a", "deploy=android")
    assert result.returncode == 0, result.stderr
    assert "merged cleanly" in said(result) and "deploy none -> android" in said(result)
    export = project / "src" / "p" / "export"
    assert (export / "executorch.py").is_file() and not (export / "pt2.py").exists()
    assert git(project, "rev-parse", "HEAD") == head  # left for review: nothing committed
    codes = dict(line.split(maxsplit=1)[::-1] for line in status(project))
    assert codes["src/p/export/executorch.py"] == "??" and codes["src/p/export/pt2.py"] == "D"
    record = (project / ".advisor" / "answers.yaml").read_text()
    assert 'deploy: "android"' in record and "defaulted: [goal, hardware" in record
    # Identical to what advisor new makes from the same answers.
    fresh = new(tmp_path / "fresh", "--name", "p", "-a", "deploy=android")
    assert tree_bytes(project) == tree_bytes(fresh)
    commit_all(project, "advisor update")
    again = update(project, "-a", "deploy=android")
    assert again.returncode == 0 and "Up to date" in said(again) and status(project) == []


def test_your_edits_added_files_and_deletions_survive(tmp_path):
    project = new(tmp_path / "p")
    config = project / "configs" / "train.yaml"
    set_line(config, "epochs:", "epochs: 77")
    (project / "NOTES.md").write_text("my notes\n")
    (project / "docs" / "DECISION.md").unlink()  # the update changes this file: the deletion must stand
    commit_all(project)
    result = update(project, "-a", "deploy=android")
    assert result.returncode == 0, result.stderr
    assert "epochs: 77\n" in config.read_text()
    assert (project / "NOTES.md").read_text() == "my notes\n"
    assert not (project / "docs" / "DECISION.md").exists()
    assert "DECISION.md" not in said(result)


def test_an_edit_beside_a_template_change_merges_without_conflict(tmp_path):
    project = new(tmp_path / "p")
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("## Install", "## Install\n\nAsk Ada for the GPU box.", 1))
    commit_all(project)
    result = update(project, "-a", "deploy=android")
    assert result.returncode == 0, result.stderr
    text = readme.read_text()
    assert "Ask Ada for the GPU box." in text and "deployment target **android**" in text
    assert "README.md  (merged with your edits)" in result.stdout


def test_a_conflict_exits_1_with_git_markers_stages_and_no_success_message(tmp_path):
    project = new(tmp_path / "p")
    readme = project / "README.md"
    set_line(readme, "deployment target (**none**)", "deployment target (**our API**): see docs/api.md.")
    commit_all(project)
    result = update(project, "-a", "deploy=android")
    assert result.returncode == 1, result.stderr
    assert "CONFLICTS in 1 file(s)" in said(result) and "UU README.md" in result.stdout
    assert "merged cleanly" not in said(result) and "Updated" not in said(result)
    text = readme.read_text()
    assert all(marker in text for marker in MARKERS)
    assert "UU README.md" in status(project)
    stages = {line.split()[2] for line in git(project, "ls-files", "-u", "README.md").splitlines()}
    assert stages == {"1", "2", "3"}
    assert "our API" in git(project, "show", ":2:README.md")  # yours
    assert "**android**" in git(project, "show", ":3:README.md")  # advisor's new render
    assert "**none**" in git(project, "show", ":1:README.md")  # the last render
    # The rest of the update is merged, and git refuses to commit until the conflict is resolved.
    assert (project / "src" / "p" / "export" / "executorch.py").is_file()
    refused = subprocess.run(["git", "commit", "-qm", "x"], cwd=project, capture_output=True, text=True,
                             env={**os.environ, **USER})
    assert refused.returncode != 0 and "unmerged" in refused.stderr
    # A merge tool gets the three versions: this one takes advisor's.
    take_theirs = 'cat "$REMOTE" > "$MERGED"'
    git(project, "-c", f"mergetool.take.cmd={take_theirs}", "-c", "mergetool.take.trustExitCode=true",
        "mergetool", "--tool=take", "-y", "README.md")
    assert "**android**" in readme.read_text() and "<<<<<<<" not in readme.read_text()
    assert "UU README.md" not in status(project)


def test_update_refuses_while_a_conflict_is_unresolved(tmp_path):
    project = new(tmp_path / "p")
    set_line(project / "README.md", "deployment target (**none**)", "deployment target: our API.")
    commit_all(project)
    assert update(project, "-a", "deploy=android").returncode == 1
    result = update(project, "-a", "deploy=android", "--allow-dirty")
    assert result.returncode == 2 and "still have conflicts (README.md)" in result.stderr


def test_uncommitted_changes_are_refused_and_nothing_is_touched(tmp_path):
    project = new(tmp_path / "p")
    set_line(project / "configs" / "train.yaml", "epochs:", "epochs: 5")
    before, repository = tree_bytes(project), git_snapshot(project)
    result = update(project, "-a", "deploy=android")
    assert result.returncode == 2 and "uncommitted change(s) (configs/train.yaml)" in result.stderr
    assert "--allow-dirty" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert tree_bytes(project) == before and git_snapshot(project) == repository


def test_allow_dirty_merges_into_uncommitted_edits(tmp_path):
    project = new(tmp_path / "p")
    set_line(project / "configs" / "train.yaml", "epochs:", "epochs: 5")
    result = update(project, "-a", "deploy=android", "--allow-dirty")
    assert result.returncode == 0, result.stderr
    assert "epochs: 5\n" in (project / "configs" / "train.yaml").read_text()
    assert (project / "src" / "p" / "export" / "executorch.py").is_file()


def test_dry_run_shows_plan_and_diff_and_writes_nothing(tmp_path):
    project = new(tmp_path / "p")
    before, repository = tree_bytes(project), git_snapshot(project)
    objects = sorted((project / ".git" / "objects").rglob("*"))
    result = update(project, "-a", "deploy=android", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "Dry run (nothing written)" in said(result)
    assert "A  src/p/export/executorch.py" in result.stdout and "D  src/p/export/pt2.py" in result.stdout
    assert '+  deploy: "android"' in result.stdout and "--- a/.advisor/answers.yaml" in result.stdout
    assert tree_bytes(project) == before and git_snapshot(project) == repository
    assert sorted((project / ".git" / "objects").rglob("*")) == objects


def test_dry_run_exits_1_when_it_would_conflict(tmp_path):
    project = new(tmp_path / "p")
    set_line(project / "README.md", "deployment target (**none**)", "deployment target: our API.")
    commit_all(project)
    result = update(project, "-a", "deploy=android", "--dry-run")
    assert result.returncode == 1 and "would conflict in 1 file(s)" in " ".join(result.stdout.split())
    assert "<<<<<<< yours" in said(result) and "<<<<<<<" not in (project / "README.md").read_text()


@pytest.mark.parametrize(
    "setup, args, message",
    [
        ("plain-folder", [], "is not a generated project (no .advisor/answers.yaml)"),
        ("missing", [], "is not a directory"),
        ("project", ["-a", "deploy=moon"], "deploy: 'moon' is not one of"),
        ("project", ["-a", "colour=blue"], "unknown question 'colour'"),
        ("project", ["--answers", "nope.yaml"], "file not found"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, setup, args, message):
    target = tmp_path / "target"
    if setup == "plain-folder":
        target.mkdir()
        (target / "x.txt").write_text("x")
    elif setup == "project":
        new(target)
    before = tree_bytes(target) if target.exists() else None
    result = update(target, *args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert (tree_bytes(target) if target.exists() else None) == before


def test_the_framework_never_switches(tmp_path):
    project = new(tmp_path / "p")  # advisor recommends PyTorch on the defaults
    flags = ["-a", "experience=tensorflow", "-a", "existing_stack=tensorflow", "-a", "deploy=microcontroller"]
    assert '"framework": "tensorflow"' in run_advisor("recommend", *flags, "-a", "task=tabular", "--json").stdout
    result = update(project, *flags)
    assert result.returncode == 0, result.stderr
    assert "never switches frameworks, so the project stays PyTorch" in said(result)
    assert "advisor new NEW_DIR --answers" in said(result) and "--framework tensorflow" in said(result)
    record = (project / ".advisor" / "answers.yaml").read_text()
    assert 'framework: "pytorch"' in record and "framework_source: user" in record
    assert 'recommended: "tensorflow"' in record
    assert "torch" in (project / "pyproject.toml").read_text()


def test_a_project_in_a_subdirectory_of_a_larger_repository(tmp_path):
    outer = tmp_path / "mono repo"
    outer.mkdir()
    git(outer, "init", "-q")
    (outer / "other.txt").write_text("untouched\n")
    commit_all(outer, "other work")
    project = new(outer / "services" / "vision", "--name", "vision-svc")
    set_line(project / "configs" / "train.yaml", "epochs:", "epochs: 3")
    commit_all(outer, "add the project")
    (outer / "other.txt").write_text("uncommitted, outside the project\n")  # must not block the update
    result = update(Path("services/vision"), "-a", "deploy=android", cwd=outer)
    assert result.returncode == 0, result.stderr
    assert (project / "src" / "vision_svc" / "export" / "executorch.py").is_file()
    assert "epochs: 3\n" in (project / "configs" / "train.yaml").read_text()
    assert (outer / "other.txt").read_text() == "uncommitted, outside the project\n"
    changed = {line[3:] for line in status(outer)}
    assert "other.txt" in changed and all(p == "other.txt" or p.startswith("services/vision/") for p in changed)
    # A conflict there shows in the outer repository's index under the project's path.
    commit_all(outer, "updated")
    set_line(project / "README.md", "deployment target (**android**)", "deployment target: phones.")
    commit_all(outer, "edit")
    assert update(project, "-a", "deploy=ios").returncode == 1
    assert "UU services/vision/README.md" in status(outer)


def test_a_thrown_away_update_is_made_again_from_the_right_base(tmp_path):
    project = new(tmp_path / "p")
    set_line(project / "configs" / "train.yaml", "epochs:", "epochs: 4")
    commit_all(project)
    assert update(project, "-a", "deploy=android").returncode == 0
    git(project, "checkout", "-q", "--", ".")
    git(project, "clean", "-qfd")  # the user throws the update away
    result = update(project, "-a", "deploy=android")
    assert result.returncode == 0, result.stderr
    assert (project / "src" / "p" / "export" / "executorch.py").is_file()
    assert not (project / "src" / "p" / "export" / "pt2.py").exists()
    assert "epochs: 4\n" in (project / "configs" / "train.yaml").read_text()


def test_a_file_you_renamed_gets_the_template_change(tmp_path):
    project = new(tmp_path / "p")
    git(project, "mv", "README.md", "GUIDE.md")
    commit_all(project)
    result = update(project, "-a", "deploy=android")
    assert result.returncode == 0, result.stderr
    assert "deployment target **android**" in (project / "GUIDE.md").read_text()
    assert not (project / "README.md").exists()


def test_a_project_without_a_pristine_record_is_adopted(tmp_path):
    project = new(tmp_path / "p", "--no-git")  # as projects made before advisor kept one
    git(project, "init", "-q")
    set_line(project / "configs" / "train.yaml", "epochs:", "epochs: 6")
    commit_all(project)
    result = update(project, "-a", "deploy=android")
    assert result.returncode == 0, result.stderr
    assert "epochs: 6\n" in (project / "configs" / "train.yaml").read_text()
    assert (project / "src" / "p" / "export" / "executorch.py").is_file()
    assert git(project, "rev-parse", PRISTINE_REF).strip()  # recorded from now on


def test_new_on_an_advisor_project_points_to_update(tmp_path):
    project = new(tmp_path / "p")
    result = run_advisor("new", str(project), "--no-input")
    assert result.returncode == 2 and "is an advisor project already" in result.stderr
    assert f"advisor update {project}" in result.stderr


# --- an upgrade of advisor itself -----------------------------------------------------------------------


def install_copy(root: Path, version: str) -> Path:
    """A copy of advisor (package, rules, template) as another version would ship it."""
    source = Path(__file__).resolve().parents[2]
    root.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("advisor", "rules", "templates"):
        shutil.copytree(source / name, root / name, ignore=ignore)
    init = root / "advisor" / "__init__.py"
    text = init.read_text()
    current = text.split('__version__ = "')[1].split('"')[0]
    init.write_text(text.replace(f'__version__ = "{current}"', f'__version__ = "{version}"'))
    return root


def run_copy(copy: Path, *args: str, cwd: Path):
    env = {**os.environ, "PYTHONPATH": str(copy), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "advisor", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=300)


def test_an_upgraded_advisor_updates_a_project_whose_old_template_is_gone(tmp_path):
    old = install_copy(tmp_path / "advisor-1", "1.0.0")
    new_copy = install_copy(tmp_path / "advisor-2", "2.0.0")
    project_template = old / "templates" / "project" / "{{cookiecutter.project_slug}}"
    package_template = project_template / "src" / "{{cookiecutter.package}}"
    # advisor 1 shipped an extra module and an older line in the README; advisor 2 moved that module and
    # changed the line, and declares the move.
    (package_template / "helpers_v1.py").write_text('"""Helpers."""\n\nSCALE = 1\n\n\ndef double(x):\n    return 2 * x\n')
    (new_copy / "templates" / "project" / "{{cookiecutter.project_slug}}" / "src" / "{{cookiecutter.package}}"
     / "helpers.py").write_text('"""Helpers, moved in advisor 2."""\n\nSCALE = 1\n\n\ndef double(x):\n    return 2 * x\n')
    manifest = new_copy / "templates" / "project" / "update.yaml"
    manifest.write_text(manifest.read_text().replace(
        "migrations: []",
        'migrations:\n  - {version: "2.0.0", from: "src/{package}/helpers_v1.py", to: "src/{package}/helpers.py"}',
    ))
    readme = new_copy / "templates" / "project" / "{{cookiecutter.project_slug}}" / "README.md"
    readme.write_text(readme.read_text().replace("## Install", "## Install\n\nNew in advisor 2.", 1))

    work = tmp_path / "work"
    work.mkdir()
    made = run_copy(old, "new", "p", "--no-input", "-a", "task=tabular", cwd=work)
    assert made.returncode == 0, made.stderr
    project = work / "p"
    helpers = project / "src" / "p" / "helpers_v1.py"
    helpers.write_text(helpers.read_text().replace("SCALE = 1", "SCALE = 10  # ours"))
    commit_all(project)
    shutil.rmtree(old)  # advisor 1 and its template are gone (pip install -U)

    result = run_copy(new_copy, "update", "p", cwd=work)
    assert result.returncode == 0, result.stdout + result.stderr
    moved = project / "src" / "p" / "helpers.py"
    assert not helpers.exists() and "SCALE = 10  # ours" in moved.read_text()
    assert "moved in advisor 2" in moved.read_text()
    assert "New in advisor 2." in (project / "README.md").read_text()
    assert 'advisor: "2.0.0"' in (project / ".advisor" / "answers.yaml").read_text()
    assert "advisor update to advisor 2.0.0" in git(project, "log", "-1", "--format=%s", PRISTINE_REF)


def test_editing_the_record_by_hand_changes_the_answers_and_advisor_rewrites_it(tmp_path):
    project = new(tmp_path / "p")
    record = project / ".advisor" / "answers.yaml"
    set_line(record, "  deploy:", '  deploy: android   # changed by hand')
    commit_all(project)
    result = update(project)
    assert result.returncode == 0, result.stderr
    assert "deploy none -> android" in said(result)
    assert (project / "src" / "p" / "export" / "executorch.py").is_file()
    assert '  deploy: "android"\n' in record.read_text()  # advisor's own file: the new render's


def test_data_you_replaced_is_kept_when_the_template_changes_it(tmp_path):
    old = install_copy(tmp_path / "advisor-1", "1.0.0")
    new_copy = install_copy(tmp_path / "advisor-2", "2.0.0")
    corpus = new_copy / "templates" / "project" / "templates" / "common" / "tasks" / "llm" / "files" / "data" / "corpus.txt"
    corpus.write_text(corpus.read_text() + "A line advisor 2 added.\n")
    work = tmp_path / "work"
    work.mkdir()
    assert run_copy(old, "new", "p", "--no-input", "-a", "task=llm", cwd=work).returncode == 0
    project = work / "p"
    (project / "data" / "corpus.txt").write_text("Our own text, all of it.\n")
    commit_all(project)
    result = run_copy(new_copy, "update", "p", cwd=work)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "data" / "corpus.txt").read_text() == "Our own text, all of it.\n"
    assert "data/corpus.txt" not in said(result)


SWEEP = [  # every task starter, both frameworks in turn, with a deploy target and a scale that add and drop files
    ("pytorch", "vision", "android", "multi-gpu"), ("tensorflow", "nlp", "browser", "multi-node"),
    ("pytorch", "llm", "ios", "multi-node"), ("tensorflow", "generative", "microcontroller", "multi-gpu"),
    ("pytorch", "audio", "edge", "single"), ("tensorflow", "tabular", "android", "multi-gpu"),
    ("pytorch", "rl", "server", "multi-gpu"), ("tensorflow", "other", "ios", "single"),
]


@pytest.mark.parametrize("framework, task, deploy, scale", SWEEP)
def test_an_update_gives_what_new_gives_for_every_starter(tmp_path, framework, task, deploy, scale):
    project = tmp_path / "p"
    made = run_advisor("new", str(project), "--no-input", "--framework", framework, "-a", f"task={task}")
    assert made.returncode == 0, made.stderr
    config = project / "configs" / "train.yaml"
    config.write_text(config.read_text() + "# ours\n")
    commit_all(project)
    result = update(project, "-a", f"deploy={deploy}", "-a", f"scale={scale}")
    assert result.returncode == 0, result.stdout + result.stderr
    fresh = tmp_path / "fresh"
    args = ["--no-input", "--no-git", "--framework", framework, "--name", "p"]
    answers = ["-a", f"task={task}", "-a", f"deploy={deploy}", "-a", f"scale={scale}"]
    assert run_advisor("new", str(fresh), *args, *answers).returncode == 0
    (fresh / "configs" / "train.yaml").write_text((fresh / "configs" / "train.yaml").read_text() + "# ours\n")
    assert tree_bytes(project) == tree_bytes(fresh)
    modes = {p.relative_to(project): p.stat().st_mode & 0o111 for p in (project / "scripts").glob("*")} if (
        project / "scripts").is_dir() else {}
    assert modes == ({p.relative_to(fresh): p.stat().st_mode & 0o111 for p in (fresh / "scripts").glob("*")} if (
        fresh / "scripts").is_dir() else {})
