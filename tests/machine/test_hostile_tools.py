"""Doctor against hostile tools and files: endless or huge output, hangs, FIFOs, and markup in what they print.

Tool output, GPU, OS and CPU names, paths and probe errors are printed as plain text; reading any of them is
bounded in time and memory."""

import os
import shutil
import threading
import time
import tracemalloc

import pytest
from machine_fakes import SMI_TWO_GPUS, TORCH_CPU

from advisor.machine import frameworks, system
from advisor.machine.accelerators import detect_nvidia
from advisor.machine.doctor import DoctorReport
from advisor.machine.project_check import ProjectTarget, check_project
from advisor.machine.verdicts import diagnose
from advisor.ui.doctor import print_doctor

MARKUP = "[bold]X[/x] a[/x]b [link=http://e]L[/link]"
REAL = {name: shutil.which(name) for name in ("yes", "head")}  # before the fake machine empties PATH

pytestmark = pytest.mark.skipif(os.name != "posix", reason="fake tools are shell scripts")


def finishes(function, limit_s: float):
    """function() in a thread; fails (instead of hanging the suite) if it is not done within limit_s."""
    result: list = []
    thread = threading.Thread(target=lambda: result.append(function()), daemon=True)
    thread.start()
    thread.join(limit_s)
    assert not thread.is_alive(), f"still running after {limit_s}s"
    return result[0]


@pytest.fixture
def yes(fake):
    for name, path in REAL.items():
        (fake.bin / name).symlink_to(path)


def test_endless_tool_output_is_cut_off_in_bounded_memory(fake, yes):
    fake.tool("nvidia-smi", "exec yes 'NVIDIA RTX A6000, 550.54.15, 49140, 8.6'\n")
    tracemalloc.start()
    started = time.perf_counter()
    status, gpus = finishes(detect_nvidia, 20)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert time.perf_counter() - started < 1.5  # cut at the drain limit, well before the 2 s timeout
    assert gpus == () and status.error == "printed more than 16 MiB"
    assert peak < 4 * 1024 * 1024


def test_endless_stderr_is_cut_off_too(fake, yes):
    fake.tool("nvidia-smi", "exec yes 'warning' >&2\n")
    status, gpus = finishes(detect_nvidia, 20)
    assert gpus == () and status.error == "printed more than 16 MiB"


def test_large_output_keeps_only_a_bounded_tail(fake, yes):
    fake.tool("big", "yes xxxxxxx | head -c 1000000; echo; echo LAST\n")
    out, error = system.run([str(fake.bin / "big")])
    assert error is None and len(out) <= system.OUTPUT_LIMIT and out.endswith("LAST\n")


def test_a_tool_that_leaves_a_child_holding_its_output_does_not_hang(fake):
    fake.tool("nvidia-smi", f"sleep 30 &\ncat <<'EOF'\n{SMI_TWO_GPUS}EOF\n")
    started = time.perf_counter()
    status, gpus = finishes(detect_nvidia, 20)
    assert time.perf_counter() - started < 1.5  # not the 2 s timeout: the tool itself exited at once
    assert len(gpus) == 2 and status.error is None


def test_a_hanging_or_endless_probe_is_a_failed_check(fake, yes):
    python = fake.tool("python", 'case "$2" in *) ;; esac\ncase "$1" in *torch_probe.py) exec yes ;; esac\nsleep 30\n')
    assert finishes(lambda: frameworks.probe_framework("torch", str(python)), 20) == {
        "error": "printed more than 16 MiB"
    }
    assert finishes(lambda: frameworks.probe_framework("jax", str(python), timeout=0.5), 20) == {
        "error": "timed out after 0.5s"
    }


@pytest.mark.parametrize("name", ["proc/cpuinfo", "etc/os-release", "proc/version"])
def test_fifos_and_devices_as_system_files_read_as_empty(fake, name):
    path = fake.root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    assert finishes(lambda: system.read_text(name), 5) == ""
    path.unlink()
    path.symlink_to("/dev/zero")
    assert finishes(lambda: system.read_text(name), 5) == ""
    finishes(lambda: fake.machine(), 30)  # doctor's whole detection, with that file in place


def test_huge_system_files_are_read_up_to_the_limit(fake):
    fake.file("proc/cpuinfo", "model name : Big CPU\n" + "x" * 10_000_000)
    assert len(system.read_text("proc/cpuinfo")) == system.OUTPUT_LIMIT
    assert system.detect_cpu().model == "Big CPU"


def test_markup_in_gpu_os_cpu_names_tool_errors_and_paths_prints_as_text(fake, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    monkeypatch.setenv("NO_COLOR", "1")
    fake.tool("nvidia-smi", f"echo '{MARKUP}, 550.54.15, 49140, 8.6'\n")
    fake.tool("rocminfo", f"echo '{MARKUP}' >&2\nexit 3\n")
    fake.file("etc/os-release", f'PRETTY_NAME="{MARKUP}"\n')
    fake.file("proc/cpuinfo", f"model name : {MARKUP}\n")
    machine = fake.machine({"torch": "2.13.0+cpu", "jax": "0.5"}, torch={"error": MARKUP}, jax={"error": MARKUP})
    project = check_project(machine, ProjectTarget(f"proj {MARKUP}", "pytorch", "nvidia", "linux"))
    print_doctor(DoctorReport(machine, tuple(diagnose(machine)), project))
    out = capsys.readouterr().out
    assert f"{MARKUP} (" in out  # the OS name
    assert f"{MARKUP}, driver 550.54.15" in out  # the GPU name
    assert f"{MARKUP}, {os.cpu_count()} logical cores" in out  # the CPU model
    assert f"1 NVIDIA GPU(s): {MARKUP}; driver 550.54.15" in out  # a finding quoting it
    assert f"none (rocminfo failed: exit 3: {MARKUP})" in out
    assert f"check failed: {MARKUP}" in out
    assert f"Project proj {MARKUP}: PyTorch, targets nvidia on linux" in out
    assert "http://e" in out and "\x1b]8;" not in out  # no terminal hyperlink


def test_print_doctor_with_a_torch_probe_that_sees_markup_devices(fake, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    fake.tool("nvidia-smi", f"cat <<'EOF'\n{SMI_TWO_GPUS}EOF\n")
    probe = {**TORCH_CPU, "cuda": "12.8", "cuda_available": True, "devices": [MARKUP]}
    machine = fake.machine({"torch": "2.13.0+cu128"}, torch=probe)
    print_doctor(DoctorReport(machine, tuple(diagnose(machine)), None))
    assert "advisor doctor" in capsys.readouterr().out
