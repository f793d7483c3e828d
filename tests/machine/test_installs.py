"""Install commands: the catalogue's lines plus this machine's CUDA wheel and rival wheels.

The tables are what doctor printed before its commands came from the catalogue (generated from the old
advisor/doctor.py); every row must still come out the same.
"""


import pytest
from machine_fakes import CU, fixes

from advisor.catalog import load_catalog
from advisor.machine.installs import (
    cuda_wheel,
    default_cuda_wheel,
    tensorflow_install,
    tensorflow_replace,
    torch_install,
    torch_replace,
    wsl_route,
)
from advisor.machine.model import GPU, CPUInfo, Machine, OSInfo, PythonInfo
from advisor.machine.verdicts import diagnose

TF_TPU = "pip install tensorflow-tpu -f https://storage.googleapis.com/libtpu-tf-releases/index.html"
WSL_ROUTE = 'wsl --install\n# then, in the WSL2 (Ubuntu) shell, in a virtual environment there:\npip install "tensorflow[and-cuda]"'
FRAMEWORK_INSTALL = {"pytorch": torch_install, "tensorflow": tensorflow_install}


def machine(system: str, wsl: str | None = None, gpus: tuple[GPU, ...] = (), wheels: tuple[str, ...] = ()) -> Machine:
    return Machine(
        OSInfo(system, system, "1", "x86_64", wsl=wsl),
        PythonInfo("3.12.9", "python", "CPython"),
        CPUInfo("cpu", 8),
        gpus=gpus,
        distributions=tuple((wheel, "2.0") for wheel in wheels),
    )


# (framework, hardware, os, wsl, the command doctor printed before the catalogue), from the old doctor.py.
OLD_INSTALLS = [
    ("pytorch", "cpu", "linux", None, f"pip install torch --index-url {CU}cpu"),
    ("pytorch", "cpu", "linux", "WSL2", f"pip install torch --index-url {CU}cpu"),
    ("pytorch", "cpu", "windows", None, f"pip install torch --index-url {CU}cpu"),
    ("pytorch", "cpu", "macos", None, "pip install torch"),
    ("pytorch", "cpu", "freebsd", None, f"pip install torch --index-url {CU}cpu"),
    ("pytorch", "nvidia", "linux", None, f"pip install torch --index-url {CU}cu128"),
    ("pytorch", "nvidia", "linux", "WSL2", f"pip install torch --index-url {CU}cu128"),
    ("pytorch", "nvidia", "windows", None, f"pip install torch --index-url {CU}cu128"),
    ("pytorch", "nvidia", "macos", None, f"pip install torch --index-url {CU}cu128"),
    ("pytorch", "nvidia", "freebsd", None, f"pip install torch --index-url {CU}cu128"),
    ("pytorch", "amd", "linux", None, f"pip install torch --index-url {CU}rocm7.1"),
    ("pytorch", "amd", "linux", "WSL2", f"pip install torch --index-url {CU}rocm7.1"),
    ("pytorch", "amd", "windows", None, f"pip install torch --index-url {CU}rocm7.1"),
    ("pytorch", "amd", "macos", None, f"pip install torch --index-url {CU}rocm7.1"),
    ("pytorch", "amd", "freebsd", None, f"pip install torch --index-url {CU}rocm7.1"),
    ("pytorch", "apple", "linux", None, "pip install torch"),
    ("pytorch", "apple", "linux", "WSL2", "pip install torch"),
    ("pytorch", "apple", "windows", None, "pip install torch"),
    ("pytorch", "apple", "macos", None, "pip install torch"),
    ("pytorch", "apple", "freebsd", None, "pip install torch"),
    ("pytorch", "intel", "linux", None, f"pip install torch --index-url {CU}xpu"),
    ("pytorch", "intel", "linux", "WSL2", f"pip install torch --index-url {CU}xpu"),
    ("pytorch", "intel", "windows", None, f"pip install torch --index-url {CU}xpu"),
    ("pytorch", "intel", "macos", None, f"pip install torch --index-url {CU}xpu"),
    ("pytorch", "intel", "freebsd", None, f"pip install torch --index-url {CU}xpu"),
    ("pytorch", "tpu", "linux", None, "pip install torch 'torch_xla[tpu]'"),
    ("pytorch", "tpu", "linux", "WSL2", "pip install torch 'torch_xla[tpu]'"),
    ("pytorch", "tpu", "windows", None, "pip install torch 'torch_xla[tpu]'"),
    ("pytorch", "tpu", "macos", None, "pip install torch 'torch_xla[tpu]'"),
    ("pytorch", "tpu", "freebsd", None, "pip install torch 'torch_xla[tpu]'"),
    ("tensorflow", "cpu", "linux", None, "pip install tensorflow-cpu"),
    ("tensorflow", "cpu", "linux", "WSL2", "pip install tensorflow-cpu"),
    ("tensorflow", "cpu", "windows", None, "pip install tensorflow"),
    ("tensorflow", "cpu", "macos", None, "pip install tensorflow"),
    ("tensorflow", "cpu", "freebsd", None, "pip install tensorflow"),
    ("tensorflow", "nvidia", "linux", None, 'pip install "tensorflow[and-cuda]"'),
    ("tensorflow", "nvidia", "linux", "WSL2", 'pip install "tensorflow[and-cuda]"'),
    ("tensorflow", "nvidia", "windows", None, WSL_ROUTE),
    ("tensorflow", "nvidia", "macos", None, "pip install tensorflow"),
    ("tensorflow", "nvidia", "freebsd", None, "pip install tensorflow"),
    ("tensorflow", "amd", "linux", None, "pip install tensorflow-rocm"),
    ("tensorflow", "amd", "linux", "WSL2", "pip install tensorflow-rocm"),
    ("tensorflow", "amd", "windows", None, "pip install tensorflow"),
    ("tensorflow", "amd", "macos", None, "pip install tensorflow"),
    ("tensorflow", "amd", "freebsd", None, "pip install tensorflow"),
    ("tensorflow", "apple", "linux", None, "pip install tensorflow"),
    ("tensorflow", "apple", "linux", "WSL2", "pip install tensorflow"),
    ("tensorflow", "apple", "windows", None, "pip install tensorflow"),
    ("tensorflow", "apple", "macos", None, "pip install tensorflow"),
    ("tensorflow", "apple", "freebsd", None, "pip install tensorflow"),
    ("tensorflow", "intel", "linux", None, "pip install tensorflow"),
    ("tensorflow", "intel", "linux", "WSL2", "pip install tensorflow"),
    ("tensorflow", "intel", "windows", None, "pip install tensorflow"),
    ("tensorflow", "intel", "macos", None, "pip install tensorflow"),
    ("tensorflow", "intel", "freebsd", None, "pip install tensorflow"),
    ("tensorflow", "tpu", "linux", None, TF_TPU),
    ("tensorflow", "tpu", "linux", "WSL2", TF_TPU),
    ("tensorflow", "tpu", "windows", None, TF_TPU),
    ("tensorflow", "tpu", "macos", None, TF_TPU),
    ("tensorflow", "tpu", "freebsd", None, TF_TPU),
]
# (os, hardware, installed wheels, torch_replace, tensorflow_replace) as the old doctor.py printed them.
OLD_REPLACES = [
    (
        "linux",
        "cpu",
        ("torch",),
        f"pip uninstall -y torch && pip install torch --index-url {CU}cpu",
        "pip install tensorflow-cpu",
    ),
    (
        "linux",
        "cpu",
        ("tensorflow",),
        f"pip install torch --index-url {CU}cpu",
        "pip uninstall -y tensorflow && pip install tensorflow-cpu",
    ),
    ("linux", "cpu", ("tensorflow-cpu",), f"pip install torch --index-url {CU}cpu", "pip install tensorflow-cpu"),
    (
        "linux",
        "cpu",
        ("tensorflow", "tensorflow-cpu"),
        f"pip install torch --index-url {CU}cpu",
        "pip uninstall -y tensorflow && pip install tensorflow-cpu",
    ),
    (
        "linux",
        "cpu",
        ("tensorflow-rocm", "tensorflow-tpu"),
        f"pip install torch --index-url {CU}cpu",
        "pip uninstall -y tensorflow-rocm tensorflow-tpu && pip install tensorflow-cpu",
    ),
    (
        "linux",
        "nvidia",
        ("torch",),
        f"pip uninstall -y torch && pip install torch --index-url {CU}cu128",
        'pip install "tensorflow[and-cuda]"',
    ),
    (
        "linux",
        "nvidia",
        ("tensorflow",),
        f"pip install torch --index-url {CU}cu128",
        'pip install "tensorflow[and-cuda]"',
    ),
    (
        "linux",
        "nvidia",
        ("tensorflow-cpu",),
        f"pip install torch --index-url {CU}cu128",
        'pip uninstall -y tensorflow-cpu && pip install "tensorflow[and-cuda]"',
    ),
    (
        "linux",
        "nvidia",
        ("tensorflow", "tensorflow-cpu"),
        f"pip install torch --index-url {CU}cu128",
        'pip uninstall -y tensorflow-cpu && pip install "tensorflow[and-cuda]"',
    ),
    (
        "linux",
        "nvidia",
        ("tensorflow-rocm", "tensorflow-tpu"),
        f"pip install torch --index-url {CU}cu128",
        'pip uninstall -y tensorflow-rocm tensorflow-tpu && pip install "tensorflow[and-cuda]"',
    ),
    (
        "linux",
        "amd",
        ("torch",),
        f"pip uninstall -y torch && pip install torch --index-url {CU}rocm7.1",
        "pip install tensorflow-rocm",
    ),
    (
        "linux",
        "amd",
        ("tensorflow",),
        f"pip install torch --index-url {CU}rocm7.1",
        "pip uninstall -y tensorflow && pip install tensorflow-rocm",
    ),
    (
        "linux",
        "amd",
        ("tensorflow-cpu",),
        f"pip install torch --index-url {CU}rocm7.1",
        "pip uninstall -y tensorflow-cpu && pip install tensorflow-rocm",
    ),
    (
        "linux",
        "amd",
        ("tensorflow", "tensorflow-cpu"),
        f"pip install torch --index-url {CU}rocm7.1",
        "pip uninstall -y tensorflow tensorflow-cpu && pip install tensorflow-rocm",
    ),
    (
        "linux",
        "amd",
        ("tensorflow-rocm", "tensorflow-tpu"),
        f"pip install torch --index-url {CU}rocm7.1",
        "pip uninstall -y tensorflow-tpu && pip install tensorflow-rocm",
    ),
    ("linux", "apple", ("torch",), "pip uninstall -y torch && pip install torch", "pip install tensorflow"),
    ("linux", "apple", ("tensorflow",), "pip install torch", "pip install tensorflow"),
    (
        "linux",
        "apple",
        ("tensorflow-cpu",),
        "pip install torch",
        "pip uninstall -y tensorflow-cpu && pip install tensorflow",
    ),
    (
        "linux",
        "apple",
        ("tensorflow", "tensorflow-cpu"),
        "pip install torch",
        "pip uninstall -y tensorflow-cpu && pip install tensorflow",
    ),
    (
        "linux",
        "apple",
        ("tensorflow-rocm", "tensorflow-tpu"),
        "pip install torch",
        "pip uninstall -y tensorflow-rocm tensorflow-tpu && pip install tensorflow",
    ),
    (
        "linux",
        "intel",
        ("torch",),
        f"pip uninstall -y torch && pip install torch --index-url {CU}xpu",
        "pip install tensorflow",
    ),
    ("linux", "intel", ("tensorflow",), f"pip install torch --index-url {CU}xpu", "pip install tensorflow"),
    (
        "linux",
        "intel",
        ("tensorflow-cpu",),
        f"pip install torch --index-url {CU}xpu",
        "pip uninstall -y tensorflow-cpu && pip install tensorflow",
    ),
    (
        "linux",
        "intel",
        ("tensorflow", "tensorflow-cpu"),
        f"pip install torch --index-url {CU}xpu",
        "pip uninstall -y tensorflow-cpu && pip install tensorflow",
    ),
    (
        "linux",
        "intel",
        ("tensorflow-rocm", "tensorflow-tpu"),
        f"pip install torch --index-url {CU}xpu",
        "pip uninstall -y tensorflow-rocm tensorflow-tpu && pip install tensorflow",
    ),
    ("linux", "tpu", ("torch",), "pip uninstall -y torch && pip install torch 'torch_xla[tpu]'", TF_TPU),
    ("linux", "tpu", ("tensorflow",), "pip install torch 'torch_xla[tpu]'", "pip uninstall -y tensorflow && " + TF_TPU),
    (
        "linux",
        "tpu",
        ("tensorflow-cpu",),
        "pip install torch 'torch_xla[tpu]'",
        "pip uninstall -y tensorflow-cpu && " + TF_TPU,
    ),
    (
        "linux",
        "tpu",
        ("tensorflow", "tensorflow-cpu"),
        "pip install torch 'torch_xla[tpu]'",
        "pip uninstall -y tensorflow tensorflow-cpu && " + TF_TPU,
    ),
    (
        "linux",
        "tpu",
        ("tensorflow-rocm", "tensorflow-tpu"),
        "pip install torch 'torch_xla[tpu]'",
        "pip uninstall -y tensorflow-rocm && " + TF_TPU,
    ),
    (
        "windows",
        "cpu",
        ("torch",),
        f"pip uninstall -y torch && pip install torch --index-url {CU}cpu",
        "pip install tensorflow",
    ),
    ("windows", "cpu", ("tensorflow",), f"pip install torch --index-url {CU}cpu", "pip install tensorflow"),
    (
        "windows",
        "cpu",
        ("tensorflow-cpu",),
        f"pip install torch --index-url {CU}cpu",
        "pip uninstall -y tensorflow-cpu && pip install tensorflow",
    ),
    (
        "windows",
        "cpu",
        ("tensorflow", "tensorflow-cpu"),
        f"pip install torch --index-url {CU}cpu",
        "pip uninstall -y tensorflow-cpu && pip install tensorflow",
    ),
    (
        "windows",
        "cpu",
        ("tensorflow-rocm", "tensorflow-tpu"),
        f"pip install torch --index-url {CU}cpu",
        "pip uninstall -y tensorflow-rocm tensorflow-tpu && pip install tensorflow",
    ),
    ("windows", "nvidia", ("torch",), f"pip uninstall -y torch && pip install torch --index-url {CU}cu128", WSL_ROUTE),
    ("windows", "nvidia", ("tensorflow",), f"pip install torch --index-url {CU}cu128", WSL_ROUTE),
    ("windows", "nvidia", ("tensorflow-cpu",), f"pip install torch --index-url {CU}cu128", WSL_ROUTE),
    ("windows", "nvidia", ("tensorflow", "tensorflow-cpu"), f"pip install torch --index-url {CU}cu128", WSL_ROUTE),
    ("windows", "nvidia", ("tensorflow-rocm", "tensorflow-tpu"), f"pip install torch --index-url {CU}cu128", WSL_ROUTE),
    ("macos", "cpu", ("torch",), "pip uninstall -y torch && pip install torch", "pip install tensorflow"),
    ("macos", "cpu", ("tensorflow",), "pip install torch", "pip install tensorflow"),
    (
        "macos",
        "cpu",
        ("tensorflow-cpu",),
        "pip install torch",
        "pip uninstall -y tensorflow-cpu && pip install tensorflow",
    ),
    (
        "macos",
        "cpu",
        ("tensorflow", "tensorflow-cpu"),
        "pip install torch",
        "pip uninstall -y tensorflow-cpu && pip install tensorflow",
    ),
    (
        "macos",
        "cpu",
        ("tensorflow-rocm", "tensorflow-tpu"),
        "pip install torch",
        "pip uninstall -y tensorflow-rocm tensorflow-tpu && pip install tensorflow",
    ),
    ("macos", "apple", ("torch",), "pip uninstall -y torch && pip install torch", "pip install tensorflow"),
    ("macos", "apple", ("tensorflow",), "pip install torch", "pip install tensorflow"),
    (
        "macos",
        "apple",
        ("tensorflow-cpu",),
        "pip install torch",
        "pip uninstall -y tensorflow-cpu && pip install tensorflow",
    ),
    (
        "macos",
        "apple",
        ("tensorflow", "tensorflow-cpu"),
        "pip install torch",
        "pip uninstall -y tensorflow-cpu && pip install tensorflow",
    ),
    (
        "macos",
        "apple",
        ("tensorflow-rocm", "tensorflow-tpu"),
        "pip install torch",
        "pip uninstall -y tensorflow-rocm tensorflow-tpu && pip install tensorflow",
    ),
]
# (os, driver, compute capability, the CUDA wheel the old doctor.py chose).
OLD_CUDA_WHEELS = [
    ("linux", "550.54.15", "8.9", "cu128"),
    ("linux", "580.95.05", "9.0", "cu130"),
    ("linux", "550.54.15", "6.1", "cu126"),
    ("linux", "580.70.00", "8.9", "cu130"),
    ("linux", "580.65.06", "8.9", "cu130"),
    ("linux", "580.88", "8.9", "cu130"),
    ("linux", "470.82.01", None, "cu128"),
    ("linux", "570.86.10", "12.0", "cu128"),
    ("windows", "550.54.15", "8.9", "cu128"),
    ("windows", "580.95.05", "9.0", "cu130"),
    ("windows", "550.54.15", "6.1", "cu126"),
    ("windows", "580.70.00", "8.9", "cu128"),
    ("windows", "580.65.06", "8.9", "cu128"),
    ("windows", "580.88", "8.9", "cu130"),
    ("windows", "470.82.01", None, "cu128"),
    ("windows", "570.86.10", "12.0", "cu128"),
    ("linux", None, None, "cu128"),
]


@pytest.mark.parametrize(("framework", "hardware", "system", "wsl", "command"), OLD_INSTALLS)
def test_install_commands_are_what_doctor_printed_before(framework, hardware, system, wsl, command):
    assert FRAMEWORK_INSTALL[framework](machine(system, wsl), hardware) == command


@pytest.mark.parametrize(
    ("framework", "hardware", "system"),
    [
        (framework, hardware, system)
        for framework, hardware, system, wsl, _ in OLD_INSTALLS
        if system in ("linux", "windows", "macos") and wsl is None
    ],
)
def test_on_the_questionnaires_systems_the_command_is_the_catalogues(framework, hardware, system):
    """So doctor and the generated README agree; only the CUDA wheel variant may differ by machine."""
    expected = load_catalog().install_command(framework, hardware, system)
    assert FRAMEWORK_INSTALL[framework](machine(system), hardware) == expected


def test_an_os_the_catalogue_does_not_know_keeps_the_plain_tensorflow_wheel_for_nvidia():
    # The CUDA build is Linux's entry; elsewhere (BSD, ...) the catalogue's default is the plain wheel.
    assert load_catalog().install_command("tensorflow", "nvidia", "freebsd") == "pip install tensorflow"
    assert tensorflow_install(machine("freebsd"), "nvidia") == "pip install tensorflow"


@pytest.mark.parametrize(("system", "hardware", "wheels", "torch_line", "tensorflow_line"), OLD_REPLACES)
def test_replace_commands_remove_what_pip_would_keep(system, hardware, wheels, torch_line, tensorflow_line):
    target = machine(system, wheels=wheels)
    assert torch_replace(target, hardware) == torch_line
    assert tensorflow_replace(target, hardware) == tensorflow_line


@pytest.mark.parametrize(("system", "driver", "arch", "wheel"), OLD_CUDA_WHEELS)
def test_cuda_wheel_follows_driver_compute_capability_and_os(system, driver, arch, wheel):
    gpus = (GPU("nvidia", "GPU", driver, None, arch),) if driver else ()
    target = machine(system, gpus=gpus)
    assert cuda_wheel(target)[0] == wheel
    assert torch_install(target, "nvidia") == f"pip install torch --index-url {CU}{wheel}"


def test_the_default_cuda_wheel_and_the_wsl_route_are_the_catalogues():
    assert default_cuda_wheel() == "cu128"
    assert wsl_route() == WSL_ROUTE


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
    assert f"pip install torch --index-url {CU}{wheel}" in fixes(diagnose(fake.machine()))


def test_rocm_wheel_matches_the_generated_readme(tmp_path, advisor_cli):
    amd = torch_install(machine("linux"), "amd")
    assert amd == f"pip install torch --index-url {CU}rocm7.1"
    assert load_catalog().install_command("pytorch", "amd", "linux") == amd
    # The generated README renders the same line from the catalogue doctor reads.
    project = tmp_path / "p"
    result = advisor_cli("new", str(project), "--framework", "pytorch", "-a", "hardware=amd", "--no-input")
    assert result.returncode == 0, result.stderr
    assert amd in (project / "README.md").read_text()
