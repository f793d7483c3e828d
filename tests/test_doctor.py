"""advisor doctor: detection with faked tools and files for hardware this machine lacks, and the real CLI.

Fakes are real where they can be: small executables on PATH stand in for nvidia-smi, rocminfo and a
Python interpreter (which prints canned framework-probe results), and /proc, /sys and /dev come from a
temporary root (ADVISOR_DETECT_ROOT). Only the OS identity is monkeypatched (platform.*).
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from advisor import detect, doctor
from advisor.errors import InputError

from conftest import run_advisor

CU = "https://download.pytorch.org/whl/"
SMI_TWO_GPUS = (
    "NVIDIA RTX A6000, 550.54.15, 49140, 8.6\n"
    "NVIDIA GeForce RTX 4090, 550.54.15, 24564, 8.9\n"
)
SMI_NO_DRIVER = (
    "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. "
    "Make sure that the latest NVIDIA driver is installed and running."
)
ROCMINFO = textwrap.dedent("""\
    ROCk module version 6.10.5 is loaded
    =====================
    HSA System Attributes
    =====================
    Runtime Version:         1.14
    ==========
    HSA Agents
    ==========
    *******
    Agent 1
    *******
      Name:                    AMD EPYC 7763 64-Core Processor
      Marketing Name:          AMD EPYC 7763 64-Core Processor
      Device Type:             CPU
    *******
    Agent 2
    *******
      Name:                    gfx90a
      Uuid:                    GPU-0123456789abcdef
      Marketing Name:          AMD Instinct MI210
      Vendor Name:             AMD
      Device Type:             GPU
      ISA Info:
        ISA 1
          Name:                    amdgcn-amd-amdhsa--gfx90a:sramecc+:xnack-
    *** Done ***
""")
TORCH_CPU = {"version": "2.13.0+cpu", "cuda": None, "hip": None, "cuda_available": False, "devices": [],
             "archs": [], "mps_built": False, "mps": False, "xpu": False}
TORCH_CU130 = {**TORCH_CPU, "version": "2.13.0+cu130", "cuda": "13.0", "archs": ["sm_75", "sm_80", "sm_86", "sm_90"]}
TF_NO_GPU = {"version": "2.21.0", "cuda_build": True, "rocm_build": False, "cuda": "12.5", "devices": []}
TF_CPU_BUILD = {**TF_NO_GPU, "cuda_build": False, "cuda": None}


def write_exe(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def write_file(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """An empty machine: no tools on PATH, an empty /proc, /sys, /dev, no TPU or WSL variables, Linux."""
    bin_dir, root = tmp_path / "bin", tmp_path / "root"
    bin_dir.mkdir()
    root.mkdir()
    for utility in ("cat", "sleep"):  # the fake tools' scripts use them; PATH holds nothing else
        (bin_dir / utility).symlink_to(shutil.which(utility))
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv(detect.ROOT_ENV, str(root))
    for variable in ("TPU_NAME", "TPU_ACCELERATOR_TYPE", "COLAB_TPU_ADDR", "WSL_DISTRO_NAME", "CUDA_VISIBLE_DEVICES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(detect.platform, "system", lambda: "Linux")
    monkeypatch.setattr(detect.platform, "machine", lambda: "x86_64")
    monkeypatch.setattr(detect, "TOOL_TIMEOUT_S", 2.0)

    class Fake:
        bin = bin_dir

        def __init__(self):
            self.root = root

        def tool(self, name: str, body: str) -> Path:
            return write_exe(bin_dir / name, body)

        def file(self, relative: str, text: str) -> None:
            write_file(root, relative, text)

        def python(self, distributions: dict, **probes) -> str:
            """A fake interpreter: answers the metadata query and each framework probe with canned JSON."""
            data = tmp_path / "canned"
            data.mkdir(exist_ok=True)
            (data / "dists.json").write_text(json.dumps(distributions))
            for name, result in probes.items():
                (data / f"{name}.json").write_text(json.dumps(result))
            return str(write_exe(tmp_path / "python", textwrap.dedent(f"""\
                case "$2" in
                  *importlib.metadata*) f=dists ;;
                  *"import torch"*) f=torch ;;
                  *"import tensorflow"*) f=tensorflow ;;
                  *"import jax"*) f=jax ;;
                  *platform.python_version*) echo "3.12.9 CPython"; exit 0 ;;
                esac
                [ -f "{data}/$f.json" ] || {{ echo "ModuleNotFoundError: $f" >&2; exit 1; }}
                printf '{detect.PROBE_MARK}'; cat "{data}/$f.json"
                """)))

        def machine(self, distributions: dict | None = None, **probes):
            python = self.python(distributions or {}, **probes)
            return detect.detect_machine(probe_frameworks=True, python=python)

    return Fake()


def fixes(findings) -> list[str]:
    return [f.fix for f in findings if f.fix]


def by_level(findings, level: str) -> list:
    return [f for f in findings if f.level == level]


def test_nvidia_smi_output_is_parsed_robustly():
    text = "WARNING: infoROM is corrupted at gpu 0000:01:00.0\n" + SMI_TWO_GPUS + "\ngarbage\n, ,\n"
    gpus = detect.parse_nvidia_smi(text)
    assert [g.name for g in gpus] == ["NVIDIA RTX A6000", "NVIDIA GeForce RTX 4090"]
    assert gpus[0].driver == "550.54.15" and gpus[0].memory_mib == 49140 and gpus[1].arch == "8.9"
    old = detect.parse_nvidia_smi("Tesla K80, 470.82.01, 11441, [N/A]\n")  # old drivers lack compute_cap
    assert old[0].arch is None and old[0].driver == "470.82.01"


def test_two_nvidia_gpus_and_torch_cpu_build_gives_the_cuda_wheel(fake):
    fake.tool("nvidia-smi", f"cat <<'EOF'\n{SMI_TWO_GPUS}EOF\n")
    machine = fake.machine({"torch": "2.13.0+cpu"}, torch=TORCH_CPU)
    assert [g.name for g in machine.gpus_of("nvidia")] == ["NVIDIA RTX A6000", "NVIDIA GeForce RTX 4090"]
    assert machine.hardware[0] == "nvidia" and machine.python.version == "3.12.9"
    assert detect.suggested_answers(machine) == {"hardware": "nvidia", "os": "linux"}
    torch = machine.framework("torch")
    assert torch.build == "cpu" and torch.sees == ()
    findings = doctor.diagnose(machine)
    [error] = [f for f in by_level(findings, "error") if "torch" in f.message]
    assert "CPU-only build" in error.message
    # pip keeps an installed torch of any build for `pip install torch`, so the fix removes it first.
    assert error.fix == f"pip uninstall -y torch && pip install torch --index-url {CU}cu128"


def test_nvidia_without_torch_gives_the_same_install_line(fake):
    fake.tool("nvidia-smi", f"cat <<'EOF'\n{SMI_TWO_GPUS}EOF\n")
    findings = doctor.diagnose(fake.machine())
    assert f"pip install torch --index-url {CU}cu128" in fixes(findings)
    assert 'pip install "tensorflow[and-cuda]"' in fixes(findings)


@pytest.mark.parametrize(
    ("row", "wheel"),
    [
        ("NVIDIA H100 80GB HBM3, 580.95.05, 81559, 9.0", "cu130"),  # driver new enough for CUDA 13
        ("NVIDIA GeForce GTX 1080, 550.54.15, 8192, 6.1", "cu126"),  # Pascal: only the CUDA 12.6 wheels build it
        ("NVIDIA GeForce RTX 5090, 570.86.10, 32607, 12.0", "cu128"),  # Blackwell on a CUDA 12.8 driver
    ],
)
def test_cuda_wheel_follows_driver_and_compute_capability(fake, row, wheel):
    fake.tool("nvidia-smi", f"echo '{row}'\n")
    assert f"pip install torch --index-url {CU}{wheel}" in fixes(doctor.diagnose(fake.machine()))


def test_nvidia_smi_failing_means_no_driver_and_no_crash(fake):
    fake.tool("nvidia-smi", f"cat <<'EOF'\n{SMI_NO_DRIVER}\nEOF\nexit 9\n")
    machine = fake.machine()
    status = machine.tool("nvidia-smi")
    assert status.found and status.error.startswith("exit 9: NVIDIA-SMI has failed")
    assert machine.hardware == ("cpu",)
    [error] = by_level(doctor.machine_findings(machine), "error")
    assert "driver is not loaded" in error.message


def test_nvidia_smi_garbage_is_not_a_gpu(fake):
    fake.tool("nvidia-smi", "printf '\\000\\377garbage, more garbage\\n'\n")
    machine = fake.machine()
    assert machine.gpus == () and machine.tool("nvidia-smi").error == "no GPU rows in its output"


def test_hanging_nvidia_smi_is_killed_at_the_timeout(fake, monkeypatch):
    monkeypatch.setattr(detect, "TOOL_TIMEOUT_S", 0.5)
    fake.tool("nvidia-smi", "sleep 30\n")  # a child that holds the pipes open: the whole group is killed
    started = time.perf_counter()
    status, gpus = detect.detect_nvidia()
    assert time.perf_counter() - started < 5
    assert gpus == () and status.error == "timed out after 0.5s"


def test_rocminfo_finds_the_amd_gpu_and_the_rocm_wheel(fake):
    fake.tool("rocminfo", f"cat <<'EOF'\n{ROCMINFO}EOF\n")
    machine = fake.machine({"tensorflow": "2.21.0"}, tensorflow=TF_NO_GPU)
    [gpu] = machine.gpus_of("amd")
    assert (gpu.name, gpu.arch, gpu.driver) == ("AMD Instinct MI210", "gfx90a", "6.10.5")
    assert detect.suggested_answers(machine)["hardware"] == "amd"
    findings = doctor.diagnose(machine)
    assert f"pip install torch --index-url {CU}{doctor.ROCM_WHEEL}" in fixes(findings)
    [tf_error] = [f for f in by_level(findings, "error") if "TensorFlow" in f.message]
    assert tf_error.fix == "pip uninstall -y tensorflow && pip install tensorflow-rocm"


def test_rocm_wheel_matches_the_generated_readme():
    readme = Path(__file__).resolve().parent.parent / "templates/project/templates/pytorch/readme_install.md"
    assert f"{CU}{doctor.ROCM_WHEEL}\"" in readme.read_text()


def test_wsl2_is_linux_and_the_tensorflow_gpu_route(fake):
    fake.file("proc/version", "Linux version 5.15.153.1-microsoft-standard-WSL2 (root@1c602f52c2e4) #1 SMP\n")
    fake.file("proc/sys/kernel/osrelease", "5.15.153.1-microsoft-standard-WSL2\n")
    # Under WSL2 nvidia-smi comes from the Windows driver, off PATH.
    write_exe(fake.root / "usr/lib/wsl/lib/nvidia-smi", f"cat <<'EOF'\n{SMI_TWO_GPUS}EOF\n")
    machine = fake.machine({"tensorflow": "2.21.0"}, tensorflow=TF_NO_GPU)
    assert machine.os.wsl == "WSL2" and len(machine.gpus_of("nvidia")) == 2
    assert detect.suggested_answers(machine) == {"hardware": "nvidia", "os": "linux"}
    findings = doctor.diagnose(machine)
    assert any(f.level == "info" and "supported route for TensorFlow" in f.message for f in findings)
    [tf_error] = [f for f in by_level(findings, "error") if "TensorFlow" in f.message]
    assert tf_error.fix == 'pip install "tensorflow[and-cuda]"'


def test_wsl1_is_told_to_convert(fake, monkeypatch):
    fake.file("proc/sys/kernel/osrelease", "4.4.0-19041-Microsoft\n")
    monkeypatch.setenv("WSL_DISTRO_NAME", "Ubuntu")
    findings = doctor.machine_findings(detect.detect_machine(probe_frameworks=False))
    assert "wsl --set-version Ubuntu 2" in fixes(findings)


def test_tensorflow_cpu_beside_an_nvidia_gpu(fake):
    fake.tool("nvidia-smi", f"cat <<'EOF'\n{SMI_TWO_GPUS}EOF\n")
    machine = fake.machine({"tensorflow-cpu": "2.21.0"}, tensorflow=TF_CPU_BUILD)
    [error] = [f for f in by_level(doctor.diagnose(machine), "error") if "TensorFlow" in f.message]
    assert "tensorflow-cpu" in error.message and "CPU-only" in error.message
    assert error.fix == 'pip uninstall -y tensorflow-cpu && pip install "tensorflow[and-cuda]"'


def test_native_windows_nvidia_tensorflow_takes_the_wsl2_route(fake, monkeypatch):
    monkeypatch.setattr(detect.platform, "system", lambda: "Windows")
    monkeypatch.setattr(detect.platform, "machine", lambda: "AMD64")
    fake.tool("nvidia-smi", f"cat <<'EOF'\n{SMI_TWO_GPUS}EOF\n")
    machine = fake.machine({"tensorflow": "2.21.0", "torch": "2.13.0+cpu"}, tensorflow=TF_CPU_BUILD, torch=TORCH_CPU)
    assert detect.suggested_answers(machine) == {"hardware": "nvidia", "os": "windows"}
    findings = doctor.diagnose(machine)
    [tf_error] = [f for f in by_level(findings, "error") if "TensorFlow" in f.message]
    assert "2.10 was the last" in tf_error.message
    assert tf_error.fix.startswith("wsl --install") and 'pip install "tensorflow[and-cuda]"' in tf_error.fix
    assert f"pip uninstall -y torch && pip install torch --index-url {CU}cu128" in fixes(findings)


def test_apple_silicon_uses_mps_and_tensorflow_has_no_gpu(fake, monkeypatch):
    monkeypatch.setattr(detect.platform, "system", lambda: "Darwin")
    monkeypatch.setattr(detect.platform, "machine", lambda: "arm64")
    monkeypatch.setattr(detect.platform, "mac_ver", lambda: ("15.1", ("", "", ""), "arm64"))
    machine = fake.machine({"tensorflow": "2.21.0", "tensorflow-metal": "1.2.0"}, tensorflow=TF_CPU_BUILD)
    assert machine.apple_silicon and machine.os.name == "macOS 15.1"
    assert detect.suggested_answers(machine) == {"hardware": "apple", "os": "macos"}
    findings = doctor.diagnose(machine)
    assert "pip install torch" in fixes(findings)
    assert any("no official GPU support on macOS" in f.message and f.level == "warn" for f in findings)
    assert "pip uninstall -y tensorflow-metal" in fixes(findings)


def test_tpu_from_the_environment(fake, monkeypatch):
    monkeypatch.setenv("TPU_NAME", "my-tpu-v5e")
    machine = fake.machine({"torch": "2.13.0+cpu"}, torch=TORCH_CPU)
    assert machine.tpu == "TPU_NAME=my-tpu-v5e" and detect.suggested_answers(machine)["hardware"] == "tpu"
    findings = doctor.diagnose(machine)
    assert "pip install 'torch_xla[tpu]'" in fixes(findings)
    assert doctor.TF_TPU in fixes(findings)


def test_tpu_from_the_pci_bus_and_dev_accel(fake):
    fake.file("dev/accel0", "")
    assert detect.detect_tpu(()) == "/dev/accel0"
    fake.file("sys/bus/pci/devices/0000:00:05.0/vendor", "0x1ae0\n")
    fake.file("sys/bus/pci/devices/0000:00:05.0/class", "0x120000\n")
    assert detect.detect_machine(probe_frameworks=False).tpu == "Google TPU device on the PCI bus"


def test_intel_discrete_gpu_from_sysfs_gets_xpu_wheels(fake):
    fake.file("sys/bus/pci/devices/0000:00:02.0/vendor", "0x8086\n")  # the integrated GPU: not counted
    fake.file("sys/bus/pci/devices/0000:00:02.0/class", "0x030000\n")
    assert detect.detect_machine(probe_frameworks=False).hardware == ("cpu",)
    fake.file("sys/bus/pci/devices/0000:03:00.0/vendor", "0x8086\n")
    fake.file("sys/bus/pci/devices/0000:03:00.0/class", "0x030000\n")
    machine = fake.machine({"tensorflow": "2.21.0"}, tensorflow=TF_CPU_BUILD)
    assert machine.hardware[0] == "intel"
    findings = doctor.diagnose(machine)
    assert f"pip install torch --index-url {CU}xpu" in fixes(findings)
    assert any("end-of-life" in f.message for f in findings)


def test_no_tools_at_all_is_a_cpu_machine(fake):
    machine = fake.machine()
    assert machine.gpus == () and machine.hardware == ("cpu",) and machine.frameworks == ()
    assert all(not t.found for t in machine.tools)
    assert detect.suggested_answers(machine) == {"hardware": "cpu", "os": "linux"}
    findings = doctor.diagnose(machine)
    assert f"pip install torch --index-url {CU}cpu" in fixes(findings)
    assert "pip install tensorflow-cpu" in fixes(findings)
    assert not by_level(findings, "error")


def test_cuda_13_torch_on_an_older_driver_falls_back_to_cu128(fake):
    fake.tool("nvidia-smi", "echo 'NVIDIA L4, 550.54.15, 23034, 8.9'\n")
    [finding] = doctor.torch_findings(fake.machine({"torch": "2.13.0"}, torch=TORCH_CU130), "nvidia")
    assert finding.level == "error" and "older than CUDA 13 needs" in finding.message
    assert finding.fix == f"pip uninstall -y torch && pip install torch --index-url {CU}cu128"


def test_a_hanging_framework_probe_is_an_error_not_a_crash(fake, monkeypatch):
    monkeypatch.setattr(detect, "PROBE_TIMEOUT_S", 0.5)
    python = fake.python({"torch": "2.13.0"})
    hanging = write_exe(Path(python).with_name("hanging-python"), f'case "$2" in *"import torch"*) sleep 30;; *) exec {python} "$@";; esac\n')
    machine = detect.detect_machine(python=str(hanging))
    torch = machine.framework("torch")
    assert torch.error == "timed out after 0.5s"
    assert doctor.torch_findings(machine, "cpu")[0].level == "error"


def test_suggested_answers_never_probes_frameworks(fake, monkeypatch):
    monkeypatch.setattr(detect, "probe_framework", lambda *a, **k: pytest.fail("probed a framework"))
    assert detect.suggested_answers() == {"hardware": "cpu", "os": "linux"}


# --- doctor DIR and the real CLI on this machine ---------------------------------------------------

HEAVY_CHECK = textwrap.dedent("""
    import sys, io, contextlib
    from advisor import cli
    sys.argv = ["advisor", "doctor", sys.argv[1]]
    out, code = io.StringIO(), 0
    with contextlib.redirect_stdout(out):
        try:
            cli.main()
        except SystemExit as done:
            code = done.code or 0
    heavy = [m for m in ("torch", "tensorflow", "keras", "jax") if m in sys.modules]
    print(code, ",".join(heavy))
    print(out.getvalue())
""")


@pytest.fixture(scope="module")
def real_runs(tmp_path_factory):
    """The real framework probes take seconds here, so the two real runs share one module-scoped go, in parallel."""
    root = tmp_path_factory.mktemp("doctor")
    for name, hardware in (("nv", "nvidia"), ("cpu", "cpu")):
        result = run_advisor("new", str(root / name), "-a", f"hardware={hardware}", "--no-input")
        assert result.returncode == 0, result.stderr
    env = {"NO_COLOR": "1", "COLUMNS": "200"}
    with ThreadPoolExecutor(max_workers=2) as pool:
        as_json = pool.submit(run_advisor, "doctor", str(root / "nv"), "--json")
        in_process = pool.submit(
            subprocess.run, [sys.executable, "-c", HEAVY_CHECK, str(root / "cpu")],
            capture_output=True, text=True, env={**os.environ, **env}, timeout=300,
        )
        return root, as_json.result(), in_process.result()


def test_doctor_json_against_an_nvidia_project_on_this_cpu_machine(real_runs):
    root, result, _ = real_runs
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"machine", "suggested_answers", "distributions", "frameworks", "findings", "project"}
    assert {"os", "python", "cpu", "gpus", "tools", "hardware", "apple_silicon", "tpu"} <= set(data["machine"])
    assert data["machine"]["hardware"] == ["cpu"] and data["suggested_answers"]["hardware"] == "cpu"
    assert all(set(f) == {"level", "message", "fix"} for f in data["findings"])
    torch = next(f for f in data["frameworks"] if f["name"] == "torch")
    assert torch["probed"] and torch["build"] == "cpu" and torch["sees"] == []
    project = data["project"]
    assert project["hardware"] == "nvidia" and project["framework"] == "pytorch" and project["ok"] is False
    [error] = [f for f in project["findings"] if f["level"] == "error"]
    assert error["message"] == (
        "project targets nvidia; no NVIDIA GPU found (nvidia-smi not found): its cuda smoke test will fail on this machine"
    )


def test_doctor_on_a_cpu_project_exits_0_and_imports_no_framework(real_runs):
    _, _, result = real_runs
    assert result.returncode == 0, result.stderr
    first, _, output = result.stdout.partition("\n")
    assert first.strip() == "0", first  # exit code 0, and no framework module imported in-process
    assert "Findings" in output and "advisor doctor" in output
    assert "targets cpu on linux" in output and "this machine can run it" in output
    assert "ERROR" not in output


def test_bad_dir_exits_2_with_one_line(tmp_path):
    broken = tmp_path / "broken"
    (broken / ".advisor").mkdir(parents=True)
    (broken / ".advisor" / "answers.yaml").write_text("hardware: [unclosed\n")
    bad_hardware = tmp_path / "bad-hw"
    (bad_hardware / ".advisor").mkdir(parents=True)
    (bad_hardware / ".advisor" / "answers.yaml").write_text("hardware: quantum\n")
    cases = {
        tmp_path / "missing": "is not a directory",
        tmp_path: "is not a generated project",
        broken: "is not valid YAML",
        bad_hardware: "hardware: 'quantum' is not one of",
    }
    for directory, expected in cases.items():
        result = run_advisor("doctor", str(directory))
        assert result.returncode == 2, (directory, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: DIR: ") and expected in lines[0], lines
        assert str(directory) in lines[0]


def test_read_project_finds_the_framework_when_answers_say_auto(tmp_path):
    project = tmp_path / "p"
    (project / ".advisor").mkdir(parents=True)
    (project / ".advisor" / "answers.yaml").write_text('hardware: "amd"\nframework: "auto"\n')
    (project / "pyproject.toml").write_text('[project]\nname = "p"\ndependencies = ["keras>=3.8", "numpy"]\n')
    assert doctor.read_project(project) == doctor.ProjectTarget(str(project), "tensorflow", "amd", "linux")
    (project / "pyproject.toml").unlink()
    with pytest.raises(InputError, match="cannot tell"):
        doctor.read_project(project)
