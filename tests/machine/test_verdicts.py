"""Verdicts on faked machines: each scenario detects through real fake tools, then judges."""

from machine_fakes import (
    CU,
    ROCMINFO,
    SMI_NO_DRIVER,
    SMI_TWO_GPUS,
    TF_CPU_BUILD,
    TF_NO_GPU,
    TORCH_CPU,
    TORCH_CU130,
    by_level,
    fixes,
    write_exe,
)

from advisor.machine import system
from advisor.machine.detect import detect_machine, suggested_answers
from advisor.machine.verdicts import diagnose, machine_findings, torch_findings

TF_TPU = "pip install tensorflow-tpu -f https://storage.googleapis.com/libtpu-tf-releases/index.html"


def test_two_nvidia_gpus_and_torch_cpu_build_gives_the_cuda_wheel(fake):
    fake.tool("nvidia-smi", f"cat <<'EOF'\n{SMI_TWO_GPUS}EOF\n")
    machine = fake.machine({"torch": "2.13.0+cpu"}, torch=TORCH_CPU)
    assert [g.name for g in machine.gpus_of("nvidia")] == ["NVIDIA RTX A6000", "NVIDIA GeForce RTX 4090"]
    assert machine.hardware[0] == "nvidia" and machine.python.version == "3.12.9"
    assert suggested_answers(machine) == {"hardware": "nvidia", "os": "linux"}
    torch = machine.framework("torch")
    assert torch.build == "cpu" and torch.sees == ()
    findings = diagnose(machine)
    [error] = [f for f in by_level(findings, "error") if "torch" in f.message]
    assert "CPU-only build" in error.message
    # pip keeps an installed torch of any build for `pip install torch`, so the fix removes it first.
    assert error.fix == f"pip uninstall -y torch && pip install torch --index-url {CU}cu128"


def test_nvidia_without_torch_gives_the_same_install_line(fake):
    fake.tool("nvidia-smi", f"cat <<'EOF'\n{SMI_TWO_GPUS}EOF\n")
    findings = diagnose(fake.machine())
    assert f"pip install torch --index-url {CU}cu128" in fixes(findings)
    assert 'pip install "tensorflow[and-cuda]"' in fixes(findings)


def test_nvidia_smi_failing_means_no_driver_and_no_crash(fake):
    fake.tool("nvidia-smi", f"cat <<'EOF'\n{SMI_NO_DRIVER}\nEOF\nexit 9\n")
    machine = fake.machine()
    status = machine.tool("nvidia-smi")
    assert status.found and status.error.startswith("exit 9: NVIDIA-SMI has failed")
    assert machine.hardware == ("cpu",)
    [error] = by_level(machine_findings(machine), "error")
    assert "driver is not loaded" in error.message


def test_rocminfo_finds_the_amd_gpu_and_the_rocm_wheel(fake):
    fake.tool("rocminfo", f"cat <<'EOF'\n{ROCMINFO}EOF\n")
    machine = fake.machine({"tensorflow": "2.21.0"}, tensorflow=TF_NO_GPU)
    [gpu] = machine.gpus_of("amd")
    assert (gpu.name, gpu.arch, gpu.driver) == ("AMD Instinct MI210", "gfx90a", "6.10.5")
    assert suggested_answers(machine)["hardware"] == "amd"
    findings = diagnose(machine)
    assert f"pip install torch --index-url {CU}rocm7.1" in fixes(findings)
    [tf_error] = [f for f in by_level(findings, "error") if "TensorFlow" in f.message]
    assert tf_error.fix == "pip uninstall -y tensorflow && pip install tensorflow-rocm"


def test_wsl2_is_linux_and_the_tensorflow_gpu_route(fake):
    fake.file("proc/version", "Linux version 5.15.153.1-microsoft-standard-WSL2 (root@1c602f52c2e4) #1 SMP\n")
    fake.file("proc/sys/kernel/osrelease", "5.15.153.1-microsoft-standard-WSL2\n")
    # Under WSL2 nvidia-smi comes from the Windows driver, off PATH.
    write_exe(fake.root / "usr/lib/wsl/lib/nvidia-smi", f"cat <<'EOF'\n{SMI_TWO_GPUS}EOF\n")
    machine = fake.machine({"tensorflow": "2.21.0"}, tensorflow=TF_NO_GPU)
    assert machine.os.wsl == "WSL2" and len(machine.gpus_of("nvidia")) == 2
    assert suggested_answers(machine) == {"hardware": "nvidia", "os": "linux"}
    findings = diagnose(machine)
    assert any(f.level == "info" and "supported route for TensorFlow" in f.message for f in findings)
    [tf_error] = [f for f in by_level(findings, "error") if "TensorFlow" in f.message]
    assert tf_error.fix == 'pip install "tensorflow[and-cuda]"'


def test_wsl1_is_told_to_convert(fake, monkeypatch):
    fake.file("proc/sys/kernel/osrelease", "4.4.0-19041-Microsoft\n")
    monkeypatch.setenv("WSL_DISTRO_NAME", "Ubuntu")
    findings = machine_findings(detect_machine(probe_frameworks=False))
    assert "wsl --set-version Ubuntu 2" in fixes(findings)


def test_tensorflow_cpu_beside_an_nvidia_gpu(fake):
    fake.tool("nvidia-smi", f"cat <<'EOF'\n{SMI_TWO_GPUS}EOF\n")
    machine = fake.machine({"tensorflow-cpu": "2.21.0"}, tensorflow=TF_CPU_BUILD)
    [error] = [f for f in by_level(diagnose(machine), "error") if "TensorFlow" in f.message]
    assert "tensorflow-cpu" in error.message and "CPU-only" in error.message
    assert error.fix == 'pip uninstall -y tensorflow-cpu && pip install "tensorflow[and-cuda]"'


def test_native_windows_nvidia_tensorflow_takes_the_wsl2_route(fake, monkeypatch):
    monkeypatch.setattr(system.platform, "system", lambda: "Windows")
    monkeypatch.setattr(system.platform, "machine", lambda: "AMD64")
    fake.tool("nvidia-smi", f"cat <<'EOF'\n{SMI_TWO_GPUS}EOF\n")
    machine = fake.machine({"tensorflow": "2.21.0", "torch": "2.13.0+cpu"}, tensorflow=TF_CPU_BUILD, torch=TORCH_CPU)
    assert suggested_answers(machine) == {"hardware": "nvidia", "os": "windows"}
    findings = diagnose(machine)
    [tf_error] = [f for f in by_level(findings, "error") if "TensorFlow" in f.message]
    assert "2.10 was the last" in tf_error.message
    assert tf_error.fix.startswith("wsl --install") and 'pip install "tensorflow[and-cuda]"' in tf_error.fix
    assert f"pip uninstall -y torch && pip install torch --index-url {CU}cu128" in fixes(findings)


def test_apple_silicon_uses_mps_and_tensorflow_has_no_gpu(fake, monkeypatch):
    monkeypatch.setattr(system.platform, "system", lambda: "Darwin")
    monkeypatch.setattr(system.platform, "machine", lambda: "arm64")
    monkeypatch.setattr(system.platform, "mac_ver", lambda: ("15.1", ("", "", ""), "arm64"))
    machine = fake.machine({"tensorflow": "2.21.0", "tensorflow-metal": "1.2.0"}, tensorflow=TF_CPU_BUILD)
    assert machine.apple_silicon and machine.os.name == "macOS 15.1"
    assert suggested_answers(machine) == {"hardware": "apple", "os": "macos"}
    findings = diagnose(machine)
    assert "pip install torch" in fixes(findings)
    assert any("no official GPU support on macOS" in f.message and f.level == "warn" for f in findings)
    assert "pip uninstall -y tensorflow-metal" in fixes(findings)


def test_tpu_from_the_environment(fake, monkeypatch):
    monkeypatch.setenv("TPU_NAME", "my-tpu-v5e")
    machine = fake.machine({"torch": "2.13.0+cpu"}, torch=TORCH_CPU)
    assert machine.tpu == "TPU_NAME=my-tpu-v5e" and suggested_answers(machine)["hardware"] == "tpu"
    findings = diagnose(machine)
    assert "pip install 'torch_xla[tpu]'" in fixes(findings)
    assert TF_TPU in fixes(findings)


def test_intel_discrete_gpu_from_sysfs_gets_xpu_wheels(fake):
    fake.file("sys/bus/pci/devices/0000:00:02.0/vendor", "0x8086\n")  # the integrated GPU: not counted
    fake.file("sys/bus/pci/devices/0000:00:02.0/class", "0x030000\n")
    assert detect_machine(probe_frameworks=False).hardware == ("cpu",)
    fake.file("sys/bus/pci/devices/0000:03:00.0/vendor", "0x8086\n")
    fake.file("sys/bus/pci/devices/0000:03:00.0/class", "0x030000\n")
    machine = fake.machine({"tensorflow": "2.21.0"}, tensorflow=TF_CPU_BUILD)
    assert machine.hardware[0] == "intel"
    findings = diagnose(machine)
    assert f"pip install torch --index-url {CU}xpu" in fixes(findings)
    assert any("end-of-life" in f.message for f in findings)


def test_no_tools_at_all_is_a_cpu_machine(fake):
    machine = fake.machine()
    assert machine.gpus == () and machine.hardware == ("cpu",) and machine.frameworks == ()
    assert all(not t.found for t in machine.tools)
    assert suggested_answers(machine) == {"hardware": "cpu", "os": "linux"}
    findings = diagnose(machine)
    assert f"pip install torch --index-url {CU}cpu" in fixes(findings)
    assert "pip install tensorflow-cpu" in fixes(findings)
    assert not by_level(findings, "error")


def test_cuda_13_torch_on_an_older_driver_falls_back_to_cu128(fake):
    fake.tool("nvidia-smi", "echo 'NVIDIA L4, 550.54.15, 23034, 8.9'\n")
    [finding] = torch_findings(fake.machine({"torch": "2.13.0"}, torch=TORCH_CU130), "nvidia")
    assert finding.level == "error" and "older than CUDA 13 needs" in finding.message
    assert finding.fix == f"pip uninstall -y torch && pip install torch --index-url {CU}cu128"
