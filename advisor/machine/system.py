"""Process and file plumbing for the probes, and the OS, Python and CPU of this machine.

Nothing here raises: a missing tool, a timeout or an unreadable file reads as "not found", with the
reason kept where one is known. For tests (and for checking a copy of another machine's /proc, /sys and
/etc), files are read under the root named by ADVISOR_DETECT_ROOT (default "/"); tools are found on PATH.
"""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

from advisor.files import FileRefused, read_regular_file
from advisor.machine.model import CPUInfo, OSInfo, PythonInfo

ROOT_ENV = "ADVISOR_DETECT_ROOT"
TOOL_TIMEOUT_S = 10.0  # nvidia-smi can take seconds to wake GPUs without persistence mode
OUTPUT_LIMIT = 64 * 1024  # bytes kept of each tool stream and each system file
DRAIN_LIMIT = 16 * 1024 * 1024  # a tool that prints more than this is killed


def root() -> Path:
    return Path(os.environ.get(ROOT_ENV) or "/")


def read_text(path: str) -> str:
    """A system file under root(), or "" when it is missing or unreadable; see read_bounded."""
    return read_bounded(root() / path.lstrip("/"))


def read_bounded(path: Path) -> str:
    """The first OUTPUT_LIMIT bytes of a file, or "" when it is missing, unreadable or not a regular file
    (a FIFO would block, a device might never end)."""
    try:
        return read_regular_file(path, OUTPUT_LIMIT, truncate=True).decode("utf-8", errors="replace")
    except (OSError, ValueError, FileRefused):
        return ""


def which(tool: str, fallbacks: tuple[str, ...] = ()) -> str | None:
    found = shutil.which(tool)
    if found:
        return found
    for candidate in fallbacks:
        path = root() / candidate.lstrip("/")
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    return None


def run(
    command: list[str], timeout: float | None = None, env: Mapping[str, str] | None = None
) -> tuple[str | None, str | None]:
    """(stdout, None) on exit 0, else (None, why). Never raises; a hung tool is killed with its children.

    Output is bounded: at most OUTPUT_LIMIT bytes of each stream are kept, and a tool that prints more
    than DRAIN_LIMIT is killed ("printed too much") rather than read on.
    """
    timeout = TOOL_TIMEOUT_S if timeout is None else timeout
    try:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env, start_new_session=(os.name == "posix"),
        )
    except (OSError, ValueError) as error:
        return None, f"cannot run: {getattr(error, 'strerror', None) or error}"
    try:
        streams = [_Capped(process.stdout), _Capped(process.stderr)]  # type: ignore[arg-type]
        deadline = time.monotonic() + timeout
        while True:
            try:
                process.wait(timeout=min(0.05, max(0.0, deadline - time.monotonic())))
                break
            except subprocess.TimeoutExpired:
                if any(stream.overflowed for stream in streams):
                    _kill(process)
                    for stream in streams:
                        stream.finish(2.0)
                    return None, f"printed more than {DRAIN_LIMIT // (1024 * 1024)} MiB"
                if time.monotonic() >= deadline:
                    _kill(process)
                    for stream in streams:
                        stream.finish(2.0)
                    return None, f"timed out after {timeout:g}s"
        _kill(process)  # children the tool left behind in its group would hold the pipes open
        out, err = (stream.finish(2.0) for stream in streams)
    finally:
        _kill(process)  # anything the tool left running in its group
    if any(stream.overflowed for stream in streams):
        return None, f"printed more than {DRAIN_LIMIT // (1024 * 1024)} MiB"
    if process.returncode != 0:
        lines = [line.strip() for line in (err or out or "").splitlines() if line.strip()]
        detail = f": {lines[-1][:200]}" if lines else ""
        return None, f"exit {process.returncode}{detail}"
    return out, None


class _Capped:
    """Drains a pipe in a thread: keeps the last OUTPUT_LIMIT bytes (a probe's answer is its last line),
    stops reading past DRAIN_LIMIT (overflowed)."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        self._kept = bytearray()
        self._total = 0
        self.overflowed = False
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            while chunk := self._stream.read1(65536):  # type: ignore[attr-defined]
                self._total += len(chunk)
                self._kept += chunk
                if len(self._kept) > 2 * OUTPUT_LIMIT:
                    del self._kept[:-OUTPUT_LIMIT]
                if self._total > DRAIN_LIMIT:
                    self.overflowed = True
                    return

    def finish(self, timeout: float) -> str:
        """What was kept, once the pipe closes (or after `timeout`: a process outside the group may hold it)."""
        self._thread.join(timeout)
        if not self._thread.is_alive():
            with contextlib.suppress(OSError, ValueError):
                self._stream.close()
        return bytes(self._kept[-OUTPUT_LIMIT:]).decode("utf-8", errors="replace")


def _kill(process: subprocess.Popen[bytes]) -> None:
    try:
        if os.name == "posix":
            os.killpg(process.pid, 9)
        elif process.returncode is None:
            process.kill()
    except OSError:
        pass
    with contextlib.suppress(subprocess.TimeoutExpired, OSError, ValueError):
        process.wait(timeout=2)


def detect_wsl() -> str | None:
    release = read_text("/proc/sys/kernel/osrelease") + read_text("/proc/version")
    if "microsoft" not in release.lower() and not os.environ.get("WSL_DISTRO_NAME"):
        return None
    if "wsl2" in release.lower():
        return "WSL2"
    if "Microsoft" in release:  # WSL1 kernels say "4.4.0-19041-Microsoft"
        return "WSL1"
    return "WSL"


def _os_release_name() -> str:
    fields = {}
    for line in read_text("/etc/os-release").splitlines():
        key, sep, value = line.partition("=")
        if sep:
            fields[key.strip()] = value.strip().strip('"')
    return fields.get("PRETTY_NAME") or " ".join(filter(None, (fields.get("NAME"), fields.get("VERSION_ID"))))


def _rosetta() -> bool:
    out, _ = run(["sysctl", "-n", "sysctl.proc_translated"], timeout=2)
    return (out or "").strip() == "1"


def detect_os() -> OSInfo:
    try:
        system = platform.system()
        machine = platform.machine()
        release = platform.release()
        if system == "Darwin":
            version = platform.mac_ver()[0] or release
            rosetta = machine == "x86_64" and _rosetta()
            return OSInfo("macos", f"macOS {version}".strip(), release, machine, rosetta=rosetta)
        if system == "Windows":
            return OSInfo("windows", f"Windows {release}", platform.version(), machine)
        if system == "Linux":
            return OSInfo("linux", _os_release_name() or "Linux", release, machine, wsl=detect_wsl())
        return OSInfo(system.lower() or "unknown", f"{system} {release}".strip(), release, machine)
    except Exception:  # platform reads odd files on odd systems; a report must still come out
        return OSInfo("unknown", "unknown", "", "")


def detect_python(python: str | None = None) -> PythonInfo:
    if python is None or python == sys.executable:
        return PythonInfo(platform.python_version(), sys.executable, platform.python_implementation())
    out, _ = run([python, "-c", "import platform; print(platform.python_version(), platform.python_implementation())"])
    version, _, implementation = (out or "").strip().partition(" ")
    return PythonInfo(version or "unknown", python, implementation or "unknown")


def detect_cpu() -> CPUInfo:
    cores = os.cpu_count()
    model = ""
    for line in read_text("/proc/cpuinfo").splitlines():
        key, sep, value = line.partition(":")
        # x86 says "model name"; ARM boards say "Model" or "Hardware"
        if sep and key.strip() in ("model name", "Model", "Hardware") and value.strip():
            model = value.strip()
            break
    if not model and sys.platform == "darwin":
        out, _ = run(["sysctl", "-n", "machdep.cpu.brand_string"], timeout=2)
        model = (out or "").strip()
    if not model:
        try:
            model = platform.processor() or platform.machine()
        except Exception:
            model = ""
    return CPUInfo(model or "unknown", cores)
