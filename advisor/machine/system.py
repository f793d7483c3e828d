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
from collections.abc import Mapping
from pathlib import Path

from advisor.machine.model import CPUInfo, OSInfo, PythonInfo

ROOT_ENV = "ADVISOR_DETECT_ROOT"
TOOL_TIMEOUT_S = 10.0  # nvidia-smi can take seconds to wake GPUs without persistence mode


def root() -> Path:
    return Path(os.environ.get(ROOT_ENV) or "/")


def read_text(path: str) -> str:
    """A system file under root(), or "" when it is missing or unreadable."""
    try:
        return (root() / path.lstrip("/")).read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError):
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
    """(stdout, None) on exit 0, else (None, why). Never raises; a hung tool is killed with its children."""
    timeout = TOOL_TIMEOUT_S if timeout is None else timeout
    try:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, errors="replace", env=env, start_new_session=(os.name == "posix"),
        )
    except (OSError, ValueError) as error:
        return None, f"cannot run: {getattr(error, 'strerror', None) or error}"
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        return None, f"timed out after {timeout:g}s"
    except (OSError, ValueError) as error:
        _kill(process)
        return None, f"failed: {error}"
    if process.returncode != 0:
        lines = [line.strip() for line in (err or out or "").splitlines() if line.strip()]
        detail = f": {lines[-1][:200]}" if lines else ""
        return None, f"exit {process.returncode}{detail}"
    return out, None


def _kill(process: subprocess.Popen[str]) -> None:
    try:
        if os.name == "posix":
            os.killpg(process.pid, 9)
        else:
            process.kill()
    except OSError:
        pass
    with contextlib.suppress(subprocess.TimeoutExpired, OSError, ValueError):
        process.communicate(timeout=2)


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
