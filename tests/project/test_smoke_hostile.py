"""advisor smoke under attack: hanging tests and interpreters, signals, relative --python, markup in what the
tests print, endless output. Tiny fake projects only (no generation): each test runs in a few seconds."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from advisor.errors import InputError
from advisor.project import smoke
from advisor.project.smoke import run_smoke

SLEEPER = (
    "import os, time\n\n"
    "@pytest.mark.smoke\ndef test_first():\n    assert True\n\n"
    "@pytest.mark.smoke\ndef test_sleeps():\n"
    "    open(os.environ['PID_FILE'], 'w').write(str(os.getpid()))\n"
    "    time.sleep(600)\n"
)
MARKUP = "a[/x]b [link=http://e]L[/link] [bold]B"


def make_project(root: Path, test_body: str, name: str = "tiny") -> Path:
    project = root / name
    (project / "tests").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.pytest.ini_options]\nmarkers = ["smoke: quick checks"]\n')
    (project / "tests" / "test_it.py").write_text("import pytest\n\n" + test_body)
    return project


def write_exe(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes (it only waits for its parent to reap it).
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


def start_smoke_until_the_test_runs(project: Path, env: dict, pid_file: Path) -> subprocess.Popen:
    """`advisor smoke PROJECT` in the background, returned once its test wrote its pid (or after 60 s)."""
    advisor = subprocess.Popen(
        [sys.executable, "-m", "advisor", "smoke", str(project)], env={**os.environ, **env, "NO_COLOR": "1"},
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return advisor


@pytest.fixture
def scratch_env(tmp_path):
    """TMPDIR and PID_FILE for a run: advisor's temporary folders land in a folder we can inspect."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    return {"TMPDIR": str(tmp), "PID_FILE": str(tmp_path / "pid")}, tmp, tmp_path / "pid"


pytestmark = pytest.mark.skipif(os.name != "posix", reason="process groups and signals: POSIX")


def test_a_hanging_test_times_out_names_the_test_and_leaves_nothing(tmp_path, advisor_cli, scratch_env):
    env, tmp, pid_file = scratch_env
    project = make_project(tmp_path, SLEEPER)
    started = time.monotonic()
    result = advisor_cli("smoke", str(project), "--timeout", "3", "--json", env=env)
    assert result.returncode == 1, result.stderr
    assert time.monotonic() - started < 30
    report = json.loads(result.stdout)
    assert report["timed_out"] is True and report["running"] == "tests/test_it.py::test_sleeps"
    assert report["timeout_s"] == 3 and report["finished"] == 1 and report["ok"] is False
    # The keys smoke always had are still there.
    assert {"project", "python", "ok", "passed", "failed", "skipped", "duration_s", "returncode", "tests"} <= set(report)
    assert not alive(int(pid_file.read_text()))
    assert list(tmp.iterdir()) == []


def test_a_timeout_in_words(tmp_path, advisor_cli, scratch_env):
    env, _, pid_file = scratch_env
    project = make_project(tmp_path, SLEEPER)
    result = advisor_cli("smoke", str(project), "--timeout", "2", env=env)
    assert result.returncode == 1 and not result.stderr
    assert "smoke TIMED OUT after 2s while running tests/test_it.py::test_sleeps" in " ".join(result.stdout.split())
    assert not alive(int(pid_file.read_text()))


def test_a_hanging_interpreter_times_out(tmp_path, advisor_cli, scratch_env):
    env, tmp, pid_file = scratch_env
    project = make_project(tmp_path, "@pytest.mark.smoke\ndef test_ok():\n    pass\n")
    hang = write_exe(tmp_path / "hang", f'echo $$ > "{pid_file}"\nexec sleep 600\n')
    result = advisor_cli("smoke", str(project), "--python", str(hang), "--timeout", "1", "--json", env=env)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["timed_out"] is True and report["running"] is None
    assert not alive(int(pid_file.read_text())) and list(tmp.iterdir()) == []


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "-inf", "1e300", "abc", ""])
def test_bad_timeouts_exit_2_naming_the_option(tmp_path, advisor_cli, value):
    project = make_project(tmp_path, "@pytest.mark.smoke\ndef test_ok():\n    pass\n")
    result = advisor_cli("smoke", str(project), f"--timeout={value}")
    assert result.returncode == 2 and "--timeout" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_check_timeout_in_process():
    assert smoke.check_timeout(0.5) == 0.5 and smoke.DEFAULT_TIMEOUT_S == 1800
    for bad in (0, -3, float("nan"), float("inf"), smoke.MAX_TIMEOUT_S + 1):
        with pytest.raises(InputError, match=r"^--timeout: "):
            smoke.check_timeout(bad)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_kills_the_tests_and_removes_the_temporary_folder(tmp_path, scratch_env, signum):
    env, tmp, pid_file = scratch_env
    project = make_project(tmp_path, SLEEPER)
    advisor = start_smoke_until_the_test_runs(project, env, pid_file)
    try:
        assert pid_file.exists(), "the sleeping test never started"
        assert [p.name[:14] for p in tmp.iterdir()] == ["advisor-smoke-"]
        advisor.send_signal(signum)
        _, stderr = advisor.communicate(timeout=30)
    finally:
        if advisor.poll() is None:
            advisor.kill()
    assert advisor.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert not alive(int(pid_file.read_text()))
    assert list(tmp.iterdir()) == []


def test_relative_python_paths_are_taken_from_the_current_directory(tmp_path, advisor_cli):
    project = make_project(tmp_path, "@pytest.mark.smoke\ndef test_ok():\n    pass\n")
    here = tmp_path / "here"
    write_exe(here / "venv" / "bin" / "py", f'exec "{sys.executable}" "$@"\n')
    write_exe(here / "py", f'exec "{sys.executable}" "$@"\n')
    for python in ("venv/bin/py", "./py"):
        result = advisor_cli("smoke", str(project), "--python", python, "--json", cwd=here)
        assert result.returncode == 0, (python, result.stderr)
        assert json.loads(result.stdout)["python"] == str(here / python.removeprefix("./"))
    # The same relative path inside DIR (where pytest runs) must not be what is found.
    write_exe(project / "py", f'exec "{sys.executable}" "$@"\n')
    result = advisor_cli("smoke", str(project), "--python", "./py", cwd=tmp_path)
    assert result.returncode == 2 and "--python: ./py not found" in result.stderr


def test_a_bare_python_name_is_looked_up_on_path(tmp_path, advisor_cli):
    project = make_project(tmp_path, "@pytest.mark.smoke\ndef test_ok():\n    pass\n")
    bin_dir = tmp_path / "bin"
    write_exe(bin_dir / "mypython", f'exec "{sys.executable}" "$@"\n')
    path = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
    result = advisor_cli("smoke", str(project), "--python", "mypython", "--json", env={"PATH": path}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["python"] == str(bin_dir / "mypython")
    # A bare name that only exists in the current directory is not run from there.
    write_exe(tmp_path / "localpy", f'exec "{sys.executable}" "$@"\n')
    result = advisor_cli("smoke", str(project), "--python", "localpy", cwd=tmp_path)
    assert result.returncode == 2 and "--python: localpy not found" in result.stderr


def test_bad_python_values_exit_2(tmp_path, advisor_cli):
    project = make_project(tmp_path, "@pytest.mark.smoke\ndef test_ok():\n    pass\n")
    not_exe = tmp_path / "not-exe"
    not_exe.write_text("#!/bin/sh\n")
    long_name = "x" * 5000
    for python in (str(not_exe), str(tmp_path), long_name, "[bold]x[/x]", "./" + long_name, "", " "):
        result = advisor_cli("smoke", str(project), "--python", python)
        assert result.returncode == 2 and result.stderr.startswith("error: --python: "), (python, result.stderr)
        assert len(result.stderr) < 400 and "Traceback" not in result.stderr


def test_markup_in_names_messages_and_paths_prints_as_text(tmp_path, advisor_cli):
    body = (
        f"@pytest.mark.smoke\ndef test_bad():\n    assert False, {MARKUP!r}\n\n"
        f"@pytest.mark.smoke\n@pytest.mark.parametrize('x', [{MARKUP!r}])\ndef test_skip(x):\n    pytest.skip(x)\n"
    )
    project = make_project(tmp_path, body, name="proj [v2] [/x]")
    bin_dir = tmp_path / "[bold]bin[/x]"
    python = write_exe(bin_dir / "py", f'exec "{sys.executable}" "$@"\n')
    result = advisor_cli("smoke", str(project), "--python", str(python), env={"COLUMNS": "400"})
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and not result.stderr
    text = result.stdout
    assert MARKUP in text and f"test_skip[{MARKUP}]" in text
    assert str(project) in text and str(python) in text
    assert "smoke FAILED: 0 passed, 1 failed, 1 skipped" in text


def test_markup_in_pytest_output_prints_as_text(tmp_path, advisor_cli):
    # No smoke tests ran, so smoke shows pytest's last lines: here a conftest prints markup into them.
    project = make_project(tmp_path, "def test_plain():\n    pass\n")
    (project / "tests" / "conftest.py").write_text(
        f"def pytest_terminal_summary(terminalreporter):\n    terminalreporter.write_line({MARKUP!r})\n"
    )
    result = advisor_cli("smoke", str(project), env={"COLUMNS": "400"})
    assert result.returncode == 1 and not result.stderr, result.stderr
    assert MARKUP in result.stdout


def test_output_and_messages_are_bounded(tmp_path):
    project = make_project(tmp_path, (
        "@pytest.mark.smoke\ndef test_loud():\n"
        "    print('x' * 2_000_000)\n"
        "    assert False, 'y' * 100_000\n"
    ))
    report = run_smoke(project)
    assert not report.ok and len(report.output) <= smoke.OUTPUT_LIMIT
    assert "1 failed" in report.output  # the tail, where pytest's summary is
    [test] = report.tests
    assert test.outcome == "failed" and len(test.message) <= smoke.MESSAGE_LIMIT


def test_endless_interpreter_output_costs_no_memory(tmp_path):
    project = make_project(tmp_path, "@pytest.mark.smoke\ndef test_ok():\n    pass\n")
    yes = write_exe(tmp_path / "loud", "while :; do echo yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy; done\n")
    report = run_smoke(project, str(yes), timeout=1)
    assert report.timed_out and not report.ok and 0 < len(report.output) <= smoke.OUTPUT_LIMIT


def test_an_interrupt_in_process_cleans_up(tmp_path, monkeypatch):
    """KeyboardInterrupt (Ctrl-C, or SIGTERM/SIGHUP through the CLI's handler) while pytest runs."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    pid_file = tmp_path / "pid"
    monkeypatch.setenv("PID_FILE", str(pid_file))
    monkeypatch.setattr(smoke.tempfile, "tempdir", str(tmp))
    project = make_project(tmp_path, SLEEPER)
    real_wait = subprocess.Popen.wait

    def interrupted_wait(self, timeout=None):
        if timeout == smoke.DEFAULT_TIMEOUT_S:  # the wait on the tests: interrupt it once the test sleeps
            while not (pid_file.exists() and pid_file.read_text()):
                time.sleep(0.05)
            raise KeyboardInterrupt
        return real_wait(self, timeout)

    monkeypatch.setattr(subprocess.Popen, "wait", interrupted_wait)
    with pytest.raises(KeyboardInterrupt):
        run_smoke(project)
    monkeypatch.undo()
    assert not alive(int(pid_file.read_text()))
    assert list(tmp.iterdir()) == []


def test_run_smoke_restores_signal_handlers(tmp_path):
    project = make_project(tmp_path, "@pytest.mark.smoke\ndef test_ok():\n    pass\n")
    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    report = run_smoke(project)
    assert report.ok and report.finished == 1 and report.running is None and not report.timed_out
    assert {s: signal.getsignal(s) for s in before} == before


def test_parse_junit_survives_odd_times():
    text = (
        '<testsuites><testsuite><testcase classname="a" name="b" time="nan"/>'
        '<testcase classname="a" name="c" time="junk"/></testsuite></testsuites>'
    )
    assert [t.duration_s for t in smoke.parse_junit(text)] == [0.0, 0.0]


def test_repeated_signals_cannot_stop_the_cleanup_of_a_stubborn_test(tmp_path, scratch_env):
    """The test ignores SIGTERM (only SIGKILL, after the grace period, stops it); more signals come meanwhile."""
    env, tmp, pid_file = scratch_env
    project = make_project(tmp_path, (
        "import os, signal, time\n\n"
        "@pytest.mark.smoke\ndef test_stubborn():\n"
        "    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "    open(os.environ['PID_FILE'], 'w').write(str(os.getpid()))\n"
        "    time.sleep(600)\n"
    ))
    advisor = start_smoke_until_the_test_runs(project, env, pid_file)
    try:
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGTERM, signal.SIGINT):
            if advisor.poll() is None:
                advisor.send_signal(signum)
            time.sleep(0.3)
        _, stderr = advisor.communicate(timeout=30)
    finally:
        if advisor.poll() is None:
            advisor.kill()
    assert advisor.returncode == 130 and "Traceback" not in stderr, stderr
    assert not alive(int(pid_file.read_text()))
    assert list(tmp.iterdir()) == []


@pytest.mark.parametrize("swap", ["fifo", "dev-zero"])
@pytest.mark.parametrize("target", ["junit", "progress"])
def test_a_project_that_swaps_the_reports_cannot_hang_or_flood_smoke(tmp_path, advisor_cli, swap, target):
    project = make_project(tmp_path, "@pytest.mark.smoke\ndef test_ok():\n    pass\n")
    (project / "conftest.py").write_text(
        "import os\n\n"
        "def pytest_unconfigure(config):\n"
        f"    path = {'config.option.xmlpath' if target == 'junit' else 'os.environ[' + repr('ADVISOR_SMOKE_PROGRESS') + ']'}\n"
        "    os.remove(path)\n"
        f"    {'os.mkfifo(path)' if swap == 'fifo' else 'os.symlink(' + repr('/dev/zero') + ', path)'}\n"
    )
    started = time.monotonic()
    result = advisor_cli("smoke", str(project), "--timeout", "60")
    assert time.monotonic() - started < 30 and "Traceback" not in result.stderr
    if target == "junit":
        assert result.returncode == 1 and "report in" in result.stderr and "cannot be read" in result.stderr
    else:
        assert result.returncode in (0, 1), result.stderr
