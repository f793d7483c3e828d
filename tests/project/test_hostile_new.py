"""advisor new under attack: concurrent runs, links in DIR, signals, hostile names and paths, odd streams."""

import os
import re
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from helpers.cli import run_advisor

from advisor.errors import InputError
from advisor.project import place as placing
from advisor.project.place import place, rename_no_replace
from advisor.project.settings import project_settings, validate_description, validate_name


def tree(root: Path) -> dict[str, str]:
    """Every entry under root but the git repository advisor new makes: a file's text, 'dir' or 'link -> target'."""
    found = {}
    for path in sorted(root.rglob("*")):
        key = path.relative_to(root).as_posix()
        if key.split("/")[0] == ".git":
            continue
        if path.is_symlink():
            found[key] = f"link -> {os.readlink(path)}"
        elif path.is_dir():
            found[key] = "dir"
        else:
            found[key] = path.read_text()
    return found


def rendered_tree(root: Path) -> Path:
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "src" / "pkg" / "__init__.py").write_text("new")
    (root / "README.md").write_text("new readme")
    (root / "docs").mkdir()
    (root / "docs" / "DECISION.md").write_text("new decision")
    return root


@pytest.fixture(params=["renameat2", "portable"])
def rename_kind(request, monkeypatch):
    if request.param == "portable":
        monkeypatch.setattr(placing, "_renameat2", lambda: None)
    return request.param


def test_rename_no_replace_never_replaces(tmp_path, rename_kind):
    (tmp_path / "a").write_text("a")
    (tmp_path / "b").write_text("b")
    with pytest.raises(FileExistsError):
        rename_no_replace(tmp_path / "a", tmp_path / "b")
    (tmp_path / "d1").mkdir()
    (tmp_path / "d2").mkdir()  # empty: a plain rename would replace it
    with pytest.raises(FileExistsError):
        rename_no_replace(tmp_path / "d1", tmp_path / "d2")
    rename_no_replace(tmp_path / "a", tmp_path / "c")
    rename_no_replace(tmp_path / "d1", tmp_path / "d3")
    assert tree(tmp_path) == {"b": "b", "c": "a", "d2": "dir", "d3": "dir"}


def test_a_dir_that_appears_meanwhile_is_not_merged_into(tmp_path, rename_kind):
    rendered = rendered_tree(tmp_path / "staging")
    destination = tmp_path / "p"
    destination.mkdir()  # another run made it after our check
    (destination / "theirs.txt").write_text("theirs")
    with pytest.raises(InputError, match="nothing was written into it"):
        place(rendered, destination, force=False)
    assert tree(destination) == {"theirs.txt": "theirs"}


def test_a_race_lost_half_way_gives_the_folder_back(tmp_path, monkeypatch):
    rendered = rendered_tree(tmp_path / "staging")
    destination = tmp_path / "p"
    destination.mkdir()
    real = placing.rename_no_replace

    def other_run_writes_docs_first(source, target):
        if target.name == "docs":
            target.mkdir()  # the other run placed its docs/ a moment before us
        real(source, target)

    monkeypatch.setattr(placing, "rename_no_replace", other_run_writes_docs_first)
    with pytest.raises(InputError, match="no longer empty"):
        place(rendered, destination, force=False)
    assert tree(destination) == {"docs": "dir"}  # only what the other run wrote
    assert (rendered / "README.md").read_text() == "new readme"  # ours went back to staging


def test_force_replaces_links_and_never_writes_through_them(tmp_path):
    outside = tmp_path / "outside"
    (outside / "pkg").mkdir(parents=True)
    (outside / "secret.txt").write_text("secret")
    (outside / "pkg" / "__init__.py").write_text("theirs")
    destination = tmp_path / "p"
    destination.mkdir()
    (destination / "README.md").symlink_to(outside / "secret.txt")  # a link to a file outside DIR
    (destination / "src").symlink_to(outside)  # a link to a folder outside DIR
    os.link(outside / "secret.txt", destination / "docs-link")  # unrelated hard link: the user's, kept
    (destination / "docs").mkdir()
    os.link(outside / "secret.txt", destination / "docs" / "DECISION.md")  # a hard link the project replaces
    (destination / "notes.txt").write_text("mine")
    before_outside = tree(outside)
    place(rendered_tree(tmp_path / "staging"), destination, force=True)
    assert tree(outside) == before_outside  # nothing outside DIR changed
    assert (destination / "README.md").read_text() == "new readme" and not (destination / "README.md").is_symlink()
    assert (destination / "src").is_dir() and not (destination / "src").is_symlink()
    assert (destination / "src" / "pkg" / "__init__.py").read_text() == "new"
    assert (destination / "docs" / "DECISION.md").read_text() == "new decision"
    assert (destination / "notes.txt").read_text() == "mine" and (destination / "docs-link").read_text() == "secret"


@pytest.mark.parametrize("clash", ["src", "README.md"])
def test_force_refuses_a_file_folder_clash_before_moving_anything(tmp_path, clash):
    destination = tmp_path / "p"
    destination.mkdir()
    if clash == "src":
        (destination / "src").write_text("a file where a folder goes")
    else:
        (destination / "README.md").mkdir()
    (destination / "docs").mkdir()
    before = tree(destination)
    with pytest.raises(InputError, match=f"DIR: .*{clash} is a"):
        place(rendered_tree(tmp_path / "staging"), destination, force=True)
    assert tree(destination) == before


def test_two_runs_into_one_dir_never_mix(tmp_path):
    """Both frameworks at once into one DIR (absent, then empty): one wins whole, the other exits 2."""
    for attempt, make_empty in enumerate([False, True]):
        target = tmp_path / f"race{attempt}"
        if make_empty:
            target.mkdir()
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "advisor", "new", str(target), "--framework", framework, "--no-input"],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                env={**os.environ, "NO_COLOR": "1"},
            )
            for framework in ("pytorch", "tensorflow")
        ]
        outcomes = sorted((run.wait(timeout=300), run.stderr.read()) for run in runs)  # type: ignore[union-attr]
        assert [code for code, _ in outcomes] == [0, 2], outcomes
        assert "nothing was written into it" in outcomes[1][1] or "not empty" in outcomes[1][1]
        dependencies = " ".join(tomllib.loads((target / "pyproject.toml").read_text())["project"]["dependencies"])
        assert ("torch" in dependencies) != ("keras" in dependencies)  # one framework's tree, whole
        assert [p.name for p in target.iterdir() if p.name.startswith(".advisor-staging")] == []
        assert [p.name for p in tmp_path.iterdir() if ".advisor-" in p.name] == []


def test_new_dot_keeps_the_shells_directory(tmp_path):
    here = tmp_path / "here"
    here.mkdir()
    inode = here.stat().st_ino
    result = run_advisor("new", ".", "--name", "dot-project", "--no-input", cwd=here)
    assert result.returncode == 0, result.stderr
    assert here.stat().st_ino == inode and (here / "pyproject.toml").is_file()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_mid_run_leaves_nothing_and_says_so(tmp_path, signum):
    """Signals at several moments of `advisor new a/b/p`: exit 130 with one line, or a complete project."""
    outcomes = set()
    for delay in (0.3, 0.9, 1.6, 2.4):
        root = tmp_path / f"{signum.name}-{delay}"
        root.mkdir()
        run = subprocess.Popen(
            [sys.executable, "-m", "advisor", "new", str(root / "a" / "b" / "p"), "--no-input"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_COLOR": "1"},
        )
        time.sleep(delay)
        run.send_signal(signum)
        code = run.wait(timeout=120)
        stderr = run.stderr.read()  # type: ignore[union-attr]
        assert "Traceback" not in stderr, stderr
        outcomes.add(code)
        if code == 0:
            assert (root / "a" / "b" / "p" / ".advisor" / "answers.yaml").is_file()
        else:
            assert code == 130 and len(stderr.strip().splitlines()) == 1, stderr
            assert list(root.iterdir()) == [] or "is complete" in stderr, sorted(map(str, root.rglob("*")))
    assert 130 in outcomes


def test_interrupt_while_starting_up_is_one_line(tmp_path):
    for delay in (0.15, 0.3, 0.5, 0.8):
        run = subprocess.Popen(
            [sys.executable, "-m", "advisor", "recommend"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, env={**os.environ, "ADVISOR_NO_CACHE": "1"},
        )
        time.sleep(delay)
        run.send_signal(signal.SIGINT)
        code = run.wait(timeout=60)
        stderr = run.stderr.read()  # type: ignore[union-attr]
        assert "Traceback" not in stderr and code in (0, 130), (delay, code, stderr)
        assert code == 0 or stderr.strip() == "interrupted"


@pytest.mark.parametrize(
    "name", ["proj [v2]", "x[/y]z", "[link=https://example.com]click[/link]", "[bold red]loud"]
)
def test_paths_and_names_print_as_plain_text(tmp_path, name):
    result = run_advisor("new", name, "--no-input", cwd=tmp_path, env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert result.returncode == 0, result.stderr
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)  # colours off, text as printed
    assert f"Created {tmp_path / name}\n" in plain
    assert "\x1b]8;" not in result.stdout  # no terminal hyperlink
    assert (tmp_path / name / "pyproject.toml").is_file()


def test_a_stdout_that_cannot_encode_the_panel_still_works(tmp_path):
    result = run_advisor("recommend", env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "recommends" in result.stdout


def test_a_closed_pipe_is_not_a_traceback():
    shell = f"{sys.executable} -m advisor recommend --explain | head -c 10 >/dev/null"
    result = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr and "Exception" not in result.stderr, result.stderr


def test_an_unexpected_error_is_one_line(monkeypatch, capsys):
    import advisor.cli as cli
    from advisor import interrupts

    # main() is meant to end the process: keep its signal set-up out of the test runner (children inherit it).
    monkeypatch.setattr(interrupts, "ignore_from_now", lambda: None)
    monkeypatch.setattr(interrupts, "install", lambda: None)

    def broken(**kwargs):
        raise RuntimeError("boom\n" + "x" * 5000)

    monkeypatch.setattr(cli, "load_app", lambda: broken)
    monkeypatch.delenv("ADVISOR_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "RuntimeError: boom" in err and len(err) < 300


def test_a_rendering_error_does_not_print_the_whole_context(tmp_path, monkeypatch, ruleset):
    import cookiecutter.main

    from advisor.errors import GenerationError
    from advisor.project.create import ProjectRequest, create_project

    def failing(*args, **kwargs):
        raise ValueError("bad template\n" + repr(kwargs.get("extra_context")) * 50)

    monkeypatch.setattr(cookiecutter.main, "cookiecutter", failing)
    with pytest.raises(GenerationError) as error:
        create_project(ruleset, ProjectRequest(tmp_path / "p", {}, project_settings("p-one")))
    assert "\n" not in str(error.value) and len(str(error.value)) < 260
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["CON", "nul", "Com1", "lpt9", "prn"])
def test_windows_device_names_are_refused(name):
    with pytest.raises(InputError, match="device name on Windows"):
        validate_name(name)


def test_a_device_name_as_dir_is_refused_even_with_another_project_name(tmp_path):
    result = run_advisor("new", str(tmp_path / "aux.txt"), "--name", "fine", "--no-input")
    assert result.returncode == 2 and "DIR: 'aux.txt' is a device name on Windows" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "name, framework",
    [("typing-extensions", "pytorch"), ("google", "tensorflow"), ("google", "pytorch"), ("sympy", "pytorch"),
     ("absl", "tensorflow"), ("h5py", "tensorflow"), ("filelock", "pytorch"), ("pluggy", "tensorflow"),
     ("triton", "pytorch"), ("nvidia", "pytorch"), ("tomli", "tensorflow"), ("colorama", "pytorch")],
)
def test_names_that_shadow_the_projects_dependencies_are_refused(name, framework):
    validate_name(name)  # not refused before the framework is known
    with pytest.raises(InputError, match=f"hides .* which {framework} projects import"):
        validate_name(name, framework)


def test_a_dependency_of_the_other_framework_is_a_fine_name():
    assert validate_name("sympy", "tensorflow")[2] == "sympy"
    assert validate_name("h5py", "pytorch")[2] == "h5py"


def test_new_refuses_a_shadowing_name_with_its_reason(tmp_path):
    result = run_advisor("new", str(tmp_path / "p"), "--name", "typing_extensions", "--framework", "pytorch",
                         "--no-input")
    assert result.returncode == 2 and "hides 'typing_extensions'" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("text", ["a\u202eevil", "zero\u200bwidth", "bom\ufeff", "rtl\u2067x"])
def test_invisible_and_bidi_characters_are_refused(text):
    with pytest.raises(InputError, match="name: "):
        validate_name(text)
    with pytest.raises(InputError, match="description: "):
        validate_description(text)


def test_filesystem_problems_are_one_line(tmp_path):
    (tmp_path / "afile").write_text("x")
    result = run_advisor("new", str(tmp_path / "afile" / "p"), "--no-input")
    assert result.returncode == 2 and result.stderr.strip() == f"error: DIR: {tmp_path / 'afile'} is not a directory"
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        result = run_advisor("new", str(locked / "p"), "--no-input")
        assert result.returncode == 2 and "DIR: cannot write in" in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_a_non_utf8_parent_path_works(tmp_path):
    parent = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9"))
    parent.mkdir()
    result = run_advisor("new", str(parent / "p"), "--no-input")
    assert result.returncode == 0, result.stderr
    assert (parent / "p" / "pyproject.toml").is_file()


def test_accented_names_keep_their_letters():
    assert validate_name("Café ML")[1:] == ("cafe-ml", "cafe_ml")
    assert validate_name("ñame")[1] == "name"


def test_a_name_taken_from_dir_says_so(tmp_path):
    result = run_advisor("new", str(tmp_path / "bad\u202ename"), "--no-input")
    assert result.returncode == 2 and "(the name comes from DIR; pass --name NAME)" in result.stderr


def test_escape_sequences_in_errors_are_shown_not_obeyed(tmp_path):
    hostile = "r\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\\x1b[2J\u202e"
    for args in (["recommend", "--answers", hostile], ["smoke", str(tmp_path / hostile)], ["doctor", hostile]):
        result = run_advisor(*args)
        assert result.returncode in (1, 2) and "\x1b" not in result.stderr and "\u202e" not in result.stderr
        assert "\\x1b]8;;http:" in result.stderr and "\\u202e" in result.stderr, result.stderr


def test_printable_shows_unsafe_characters_as_escapes():
    from advisor.ui.text import plain, printable

    assert printable("a\x1b[2Jb\u202ec\td\x00") == "a\\x1b[2Jb\\u202ec\\td\\x00"
    assert printable("one\ntwo", keep_newlines=True) == "one\ntwo" and printable("é [x] 🚀") == "é [x] 🚀"
    assert plain("[bold]x\x07") == "\\[bold]x\\x07"


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def test_a_signal_after_the_work_is_done_does_not_kill_the_run():
    result = run_python(
        "import os, signal\n"
        "from advisor import interrupts\n"
        "interrupts.install(); interrupts.ignore_from_now()\n"
        "os.kill(os.getpid(), signal.SIGTERM); os.kill(os.getpid(), signal.SIGHUP)\n"
        "print('finished')\n"
    )
    assert result.returncode == 0 and result.stdout == "finished\n", result


def test_a_deferred_interrupt_comes_after_the_block():
    result = run_python(
        "import os, signal\n"
        "from advisor import interrupts\n"
        "interrupts.install()\n"
        "try:\n"
        "    with interrupts.deferred():\n"
        "        os.kill(os.getpid(), signal.SIGTERM)\n"
        "        print('block finished')\n"
        "except KeyboardInterrupt as error:\n"
        "    print('then', error)\n"
    )
    assert result.stdout == "block finished\nthen SIGTERM\n", result


def test_a_symlink_loop_as_dir_is_one_line(tmp_path):
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    for args in (["new", "loop1", "--no-input"], ["new", "loop1", "--force", "--no-input"], ["smoke", "loop1"]):
        result = run_advisor(*args, cwd=tmp_path)
        assert result.returncode == 2 and result.stderr.startswith("error: DIR: loop1 cannot be resolved")
