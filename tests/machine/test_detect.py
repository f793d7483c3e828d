"""Detection: tool parsers, timeouts, the PCI bus, TPU evidence, framework probes and suggested answers."""

import time
from pathlib import Path

import pytest
from machine_fakes import SMI_TWO_GPUS, TORCH_CPU, write_exe

from advisor.machine import detect, frameworks, system
from advisor.machine.accelerators import detect_nvidia, detect_tpu, parse_nvidia_smi
from advisor.machine.verdicts import torch_findings


def test_nvidia_smi_output_is_parsed_robustly():
    text = "WARNING: infoROM is corrupted at gpu 0000:01:00.0\n" + SMI_TWO_GPUS + "\ngarbage\n, ,\n"
    gpus = parse_nvidia_smi(text)
    assert [g.name for g in gpus] == ["NVIDIA RTX A6000", "NVIDIA GeForce RTX 4090"]
    assert gpus[0].driver == "550.54.15" and gpus[0].memory_mib == 49140 and gpus[1].arch == "8.9"
    old = parse_nvidia_smi("Tesla K80, 470.82.01, 11441, [N/A]\n")  # old drivers lack compute_cap
    assert old[0].arch is None and old[0].driver == "470.82.01"


def test_nvidia_smi_garbage_is_not_a_gpu(fake):
    fake.tool("nvidia-smi", "printf '\\000\\377garbage, more garbage\\n'\n")
    machine = fake.machine()
    assert machine.gpus == () and machine.tool("nvidia-smi").error == "no GPU rows in its output"


def test_hanging_nvidia_smi_is_killed_at_the_timeout(fake, monkeypatch):
    monkeypatch.setattr(system, "TOOL_TIMEOUT_S", 0.5)
    fake.tool("nvidia-smi", "sleep 30\n")  # a child that holds the pipes open: the whole group is killed
    started = time.perf_counter()
    status, gpus = detect_nvidia()
    assert time.perf_counter() - started < 5
    assert gpus == () and status.error == "timed out after 0.5s"


def test_tpu_from_the_pci_bus_and_dev_accel(fake):
    fake.file("dev/accel0", "")
    assert detect_tpu(()) == "/dev/accel0"
    fake.file("sys/bus/pci/devices/0000:00:05.0/vendor", "0x1ae0\n")
    fake.file("sys/bus/pci/devices/0000:00:05.0/class", "0x120000\n")
    assert detect.detect_machine(probe_frameworks=False).tpu == "Google TPU device on the PCI bus"


def test_a_hanging_framework_probe_is_an_error_not_a_crash(fake, monkeypatch):
    monkeypatch.setattr(frameworks, "PROBE_TIMEOUT_S", 0.5)
    python = fake.python({"torch": "2.13.0"})
    hanging = write_exe(
        Path(python).with_name("hanging-python"), f'case "$1" in *torch_probe.py) sleep 30;; *) exec {python} "$@";; esac\n'
    )
    machine = detect.detect_machine(python=str(hanging))
    torch = machine.framework("torch")
    assert torch.error == "timed out after 0.5s"
    assert torch_findings(machine, "cpu")[0].level == "error"


def test_a_probe_printing_garbage_reads_as_a_failed_check(fake):
    python = fake.python({"torch": "2.13.0"})
    garbage = write_exe(
        Path(python).with_name("garbage-python"),
        f'case "$1" in *torch_probe.py) echo "ADVISOR-PROBE {{not json"; echo noise;; *) exec {python} "$@";; esac\n',
    )
    torch = detect.detect_machine(python=str(garbage)).framework("torch")
    assert torch.probed and torch.error == "the probe printed no result"


def test_framework_probes_are_not_run_without_probe_frameworks(fake):
    machine = detect.detect_machine(probe_frameworks=False, python=fake.python({"torch": "2.13.0"}, torch=TORCH_CPU))
    [torch] = machine.frameworks
    assert (torch.version, torch.probed, torch.build) == ("2.13.0", False, None)


def test_suggested_answers_never_probes_frameworks(fake, monkeypatch):
    monkeypatch.setattr(frameworks, "probe_framework", lambda *a, **k: pytest.fail("probed a framework"))
    assert detect.suggested_answers() == {"hardware": "cpu", "os": "linux"}
