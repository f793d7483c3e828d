"""Run a generated project's smoke tests and report every pass, failure and skip with its reason.

pytest runs in its own process group (session) under a time limit. On a timeout or an interrupt
(Ctrl-C; SIGTERM and SIGHUP arrive as KeyboardInterrupt) the whole group is killed, first with SIGTERM,
then SIGKILL, and the temporary folder is removed. A small pytest plugin, written into that folder,
logs each test as it starts and finishes, so a timeout can say which test was running.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ElementTree
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal

from advisor import interrupts
from advisor.errors import AdvisorError, InputError
from advisor.files import FileRefused, read_regular_file, resolved
from advisor.project.record import RECORD_PATH, read_record
from advisor.text import shorten

Outcome = Literal["passed", "failed", "error", "skipped"]

QUIET_FRAMEWORK_LOGS = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
DEFAULT_TIMEOUT_S = 1800.0
MAX_TIMEOUT_S = 7 * 24 * 3600.0
KILL_GRACE_S = 3.0  # between SIGTERM and SIGKILL of the test process group
OUTPUT_LIMIT = 64 * 1024  # the tail of pytest's output kept in a report
MESSAGE_LIMIT = 500
NAME_LIMIT = 1000
PROGRESS_PLUGIN = "advisor_smoke_progress"
REPORT_LIMIT = 32 * 1024 * 1024  # junit.xml and the progress log: far above any real suite's
PROGRESS_ENV = "ADVISOR_SMOKE_PROGRESS"
POLL_S = 0.2  # how often a running suite's progress is read for the live line
# Runs inside the project's pytest: how many tests will run, then a line per test start, outcome and finish.
PROGRESS_SOURCE = '''"""advisor smoke: log the suite's progress (written by advisor, removed after the run)."""
import os


def _log(event, text):
    path = os.environ.get("ADVISOR_SMOKE_PROGRESS")
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(event + "\\t" + text.replace("\\n", " ") + "\\n")


def pytest_collection_finish(session):
    _log("collected", str(len(session.items)))


def pytest_runtest_logstart(nodeid, location):
    _log("start", nodeid)


def pytest_runtest_logreport(report):
    if report.when == "call" or report.outcome != "passed":
        _log(report.outcome, report.nodeid)


def pytest_runtest_logfinish(nodeid, location):
    _log("finish", nodeid)
'''


@dataclass(frozen=True)
class SmokeProgress:
    """Where a running suite is: for a live line while the tests run."""

    collected: int | None  # tests that will run; None until pytest has collected them
    finished: int
    failed: int
    running: str | None  # the test running now
    elapsed_s: float


ProgressCallback = Callable[[SmokeProgress], None]


class ProgressLog:
    """Reads the plugin's log as it grows: only new bytes, never blocking, never following a link."""

    def __init__(self, path: Path):
        self._path, self._offset, self._partial = path, 0, b""
        self.collected: int | None = None
        self.finished = self.failed = 0
        self.running: str | None = None
        self._failed_ids: set[str] = set()

    def poll(self) -> int:
        """Read what the log gained since the last poll (at most 1 MiB); returns how many bytes."""
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
        try:
            descriptor = os.open(self._path, flags)
        except OSError:
            return 0
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode) or self._offset > REPORT_LIMIT:
                return 0
            os.lseek(descriptor, self._offset, os.SEEK_SET)
            data = os.read(descriptor, 1 << 20)
        finally:
            os.close(descriptor)
        self._offset += len(data)
        *lines, self._partial = (self._partial + data).split(b"\n")
        for line in lines:
            event, _, text = line.decode("utf-8", "replace").partition("\t")
            if event == "collected" and text.isdigit():
                self.collected = int(text)
            elif event == "start":
                self.running = text
            elif event == "failed" and text not in self._failed_ids:
                self._failed_ids.add(text)
                self.failed += 1
            elif event == "finish":
                self.finished += 1
                if text == self.running:
                    self.running = None
        return len(data)

    def snapshot(self, elapsed_s: float) -> SmokeProgress:
        running = shorten(self.running, 200) if self.running else None
        return SmokeProgress(self.collected, self.finished, self.failed, running, elapsed_s)


@dataclass(frozen=True)
class TestResult:
    name: str
    outcome: Outcome
    duration_s: float
    message: str = ""


@dataclass(frozen=True)
class SmokeReport:
    project: str
    python: str
    returncode: int
    duration_s: float
    tests: tuple[TestResult, ...] = field(default_factory=tuple)
    output: str = ""  # the last OUTPUT_LIMIT characters of pytest's stdout and stderr
    framework: str | None = None  # from the project record, when it has one
    hardware: str | None = None
    timed_out: bool = False
    timeout_s: float | None = None
    running: str | None = None  # the test that was running when the time limit struck
    finished: int = 0  # tests that had finished by then

    def count(self, *outcomes: Outcome) -> int:
        return sum(1 for test in self.tests if test.outcome in outcomes)

    @property
    def ok(self) -> bool:
        return (
            not self.timed_out and self.returncode == 0 and self.count("failed", "error") == 0 and bool(self.tests)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "python": self.python,
            "framework": self.framework,
            "hardware": self.hardware,
            "ok": self.ok,
            "passed": self.count("passed"),
            "failed": self.count("failed", "error"),
            "skipped": self.count("skipped"),
            "duration_s": round(self.duration_s, 2),
            "returncode": self.returncode,
            "timed_out": self.timed_out,
            "timeout_s": self.timeout_s,
            "running": self.running,
            "finished": self.finished,
            "tests": [
                {"name": t.name, "outcome": t.outcome, "duration_s": round(t.duration_s, 3), "message": t.message}
                for t in self.tests
            ],
        }


def resolve_python(python: str | None) -> str:
    """The interpreter to run: a path with a separator is taken from the current directory (not DIR,
    where pytest runs); a bare name is looked up on PATH."""
    if python is None:
        return sys.executable
    if not python.strip():
        raise InputError("--python: empty; give an interpreter's path or a name on PATH")
    if "\x00" in python:
        raise InputError("--python: a path cannot contain NUL")
    separators = [os.sep] + ([os.altsep] if os.altsep else [])
    if any(sep in python for sep in separators) or python.startswith("~"):
        candidate = os.path.abspath(os.path.expanduser(python))  # keep a venv's symlink: never resolve it
        if not os.path.isfile(candidate):
            raise InputError(f"--python: {shorten(python)} not found")
        if not os.access(candidate, os.X_OK):
            raise InputError(f"--python: {shorten(python)} is not executable")
        return candidate
    found = shutil.which(python)
    if found is None:
        raise InputError(f"--python: {shorten(python)} not found (a bare name is looked up on PATH)")
    return os.path.abspath(found)


def check_timeout(timeout: float) -> float:
    if not isinstance(timeout, (int, float)) or not math.isfinite(timeout) or not 0 < timeout <= MAX_TIMEOUT_S:
        raise InputError(
            f"--timeout: must be a number of seconds above 0 and at most {MAX_TIMEOUT_S:g}, got {shorten(str(timeout))}"
        )
    return float(timeout)


def run_smoke(
    project: Path,
    python: str | None = None,
    marker: str = "smoke",
    timeout: float = DEFAULT_TIMEOUT_S,
    progress: ProgressCallback | None = None,
) -> SmokeReport:
    timeout = check_timeout(timeout)
    project = resolved(project, "DIR")
    if not (project / "tests").is_dir() or not (project / "pyproject.toml").is_file():
        raise InputError(
            f"DIR: {shorten(str(project), 200)} is not a generated project (needs pyproject.toml and tests/)"
        )
    framework = hardware = None
    if (project / RECORD_PATH).is_file():
        # The record only labels the report: a project whose record is damaged still gets its tests run.
        with contextlib.suppress(InputError):
            record = read_record(project)
            framework, hardware = record.framework, record.answers.get("hardware")
    python = resolve_python(python)
    with _interrupts_as_keyboard_interrupt():
        return _run(project, python, marker, timeout, framework, hardware, progress)


def _run(
    project: Path, python: str, marker: str, timeout: float, framework: str | None, hardware: str | None,
    progress: ProgressCallback | None = None,
) -> SmokeReport:
    scratch: Path | None = None
    process: subprocess.Popen[bytes] | None = None
    try:
        scratch = Path(tempfile.mkdtemp(prefix="advisor-smoke-"))
        report_file, progress_file = scratch / "junit.xml", scratch / "progress.log"
        (scratch / f"{PROGRESS_PLUGIN}.py").write_text(PROGRESS_SOURCE, encoding="utf-8")
        command = [
            python, "-m", "pytest", "-m", marker, "-p", "no:cacheprovider", "-p", PROGRESS_PLUGIN, "-q",
            f"--junitxml={report_file}", "-o", "junit_family=xunit1",
            "tests",  # named, not found from the current folder: pytest refuses a folder whose path has [ ]
        ]
        pythonpath = os.pathsep.join(filter(None, (os.environ.get("PYTHONPATH"), str(scratch))))
        env = {**os.environ, **QUIET_FRAMEWORK_LOGS, "PYTHONPATH": pythonpath, PROGRESS_ENV: str(progress_file)}
        started = time.perf_counter()
        try:
            process = subprocess.Popen(
                command, cwd=project, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                env=env, start_new_session=(os.name == "posix"),
            )
        except OSError as error:
            raise InputError(f"--python: cannot run {shorten(python)}: {error.strerror or error}") from None
        output_tail = _Tail(process.stdout, OUTPUT_LIMIT)  # type: ignore[arg-type]
        timed_out = _wait(process, started, timeout, progress_file, progress)
        duration = time.perf_counter() - started
        _kill_group(process)  # on a timeout the tests; otherwise whatever they left running
        returncode = process.returncode if process.returncode is not None else -signal.SIGKILL
        output = output_tail.text(wait_s=KILL_GRACE_S)
        running, finished = read_progress(progress_file)
        if timed_out:
            return SmokeReport(
                str(project), python, returncode, duration, (), output, framework, hardware,
                timed_out=True, timeout_s=timeout, running=running, finished=finished,
            )
        if not report_file.exists():
            tail = " | ".join(output.strip().splitlines()[-3:]) or f"no report, exit {returncode}, no output"
            raise AdvisorError(
                f"smoke: pytest did not run in {shorten(str(project), 200)} with {shorten(python)}: "
                f"{shorten(tail, 300)}"
            )
        try:
            # The project's own code could have swapped the report for a FIFO or a link to /dev/zero.
            report = read_regular_file(report_file, REPORT_LIMIT, follow_links=False)
            tests = parse_junit(report.decode("utf-8", errors="replace"))
        except (OSError, FileRefused) as error:
            where = shorten(str(project), 200)
            raise AdvisorError(f"smoke: pytest's report in {where} cannot be read: {error}") from None
        except ElementTree.ParseError as error:
            where = shorten(str(project), 200)
            raise AdvisorError(f"smoke: pytest's report in {where} is not valid XML: {error}") from None
        return SmokeReport(
            str(project), python, returncode, duration, tests, output, framework, hardware,
            timeout_s=timeout, finished=finished,
        )
    finally:
        # Whatever stopped us (a timeout, Ctrl-C, SIGTERM, SIGHUP, an error): no test process outlives
        # advisor and the temporary folder goes. Further signals wait until this is done.
        with interrupts.deferred(), _signals_deferred():
            if process is not None:
                _kill_group(process)
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)


def _wait(
    process: subprocess.Popen[bytes], started: float, timeout: float, log: Path, progress: ProgressCallback | None
) -> bool:
    """Wait for the tests (True if the time limit struck first), telling `progress` where they are."""
    if progress is None:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return True
        return False
    reader = ProgressLog(log)
    deadline = started + timeout
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            return True
        try:
            process.wait(timeout=min(POLL_S, left))
            return False
        except subprocess.TimeoutExpired:
            reader.poll()
            progress(reader.snapshot(time.perf_counter() - started))


def read_progress(path: Path) -> tuple[str | None, int]:
    """(the test started but not finished, how many finished) from the progress plugin's whole log."""
    log = ProgressLog(path)
    while log.poll():
        pass
    return (shorten(log.running, NAME_LIMIT) if log.running else None), log.finished


class _Tail:
    """Drains a pipe in a thread, keeping only its last `limit` bytes: endless output costs no memory."""

    def __init__(self, stream: BinaryIO, limit: int):
        self._stream, self._limit = stream, limit
        self._chunks: deque[bytes] = deque()
        self._size = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        if hasattr(signal, "pthread_sigmask"):  # signals go to the main thread, where they are held during cleanup
            signal.pthread_sigmask(signal.SIG_BLOCK, _INTERRUPTS)
        with contextlib.suppress(OSError, ValueError):
            while chunk := self._stream.read1(65536):  # type: ignore[attr-defined]
                with self._lock:
                    self._chunks.append(chunk)
                    self._size += len(chunk)
                    while self._size - len(self._chunks[0]) >= self._limit:
                        self._size -= len(self._chunks.popleft())

    def text(self, wait_s: float) -> str:
        """What was kept, once the pipe closes (or after wait_s: a process outside the group may hold it)."""
        self._thread.join(wait_s)
        with self._lock:
            data = b"".join(self._chunks)[-self._limit:]
        return data.decode("utf-8", errors="replace")


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the test process group, a short grace, then SIGKILL to whatever is left of it."""
    if os.name != "posix":
        with contextlib.suppress(OSError):
            process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=KILL_GRACE_S)
        return
    if process.returncode is None:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=KILL_GRACE_S)
    # The leader may be gone while children it started (in its group) are not.
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=KILL_GRACE_S)


_INTERRUPTS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _interrupts_as_keyboard_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP as KeyboardInterrupt while the tests run, unless someone (the CLI) already
    handles them; restored after."""
    installed: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in _INTERRUPTS:
            if signum != signal.SIGINT and signal.getsignal(signum) == signal.SIG_DFL:
                installed[signum] = signal.signal(signum, _raise_interrupt)
    try:
        yield
    finally:
        for signum, previous in installed.items():
            signal.signal(signum, previous)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP until the block is done (a second Ctrl-C cannot stop the cleanup)."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _INTERRUPTS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def parse_junit(text: str) -> tuple[TestResult, ...]:
    results = []
    for case in ElementTree.fromstring(text).iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '')}".lstrip(":")
        outcome: Outcome = "passed"
        message = ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = "failed" if child.tag == "failure" else "error" if child.tag == "error" else "skipped"
                message = _first_line(child.get("message") or child.text or "")
                break
        results.append(TestResult(shorten(name, NAME_LIMIT), outcome, _seconds(case.get("time")), message))
    return tuple(results)


def _seconds(text: str | None) -> float:
    try:
        value = float(text or 0)
    except ValueError:
        return 0.0
    return value if math.isfinite(value) else 0.0


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " ".join(lines[:3])[:MESSAGE_LIMIT]
