"""The commands that install (or replace) PyTorch and TensorFlow for a target hardware on this machine.

The base command for (framework, hardware, OS) is the catalogue's, the line the generated README shows,
so doctor and the README agree. What depends on this machine stays here: the CUDA wheel variant chosen
from the driver and compute capability, and uninstalling wheels that pip would otherwise keep.
"""

from __future__ import annotations

import re

from advisor.catalog import CatalogError, load_catalog
from advisor.machine.model import Hardware, Machine

# Wheels that each install the `tensorflow` package (tensorflow-macos and -intel are dependencies of it, not rivals).
TF_RIVALS = ("tensorflow", "tensorflow-cpu", "tensorflow-rocm", "tensorflow-tpu")
# Minimum NVIDIA driver for a CUDA major version (minor-version compatibility), from NVIDIA's CUDA
# toolkit release notes: CUDA 12.x runs on 525.60.13+ (Windows 527.41+), CUDA 13.x on 580.65.06+ (Windows 580.88+).
CUDA_DRIVER_MIN: dict[int, dict[str, tuple[int, ...]]] = {
    12: {"windows": (527, 41), "other": (525, 60, 13)},
    13: {"windows": (580, 88), "other": (580, 65, 6)},
}
_CUDA_WHEEL = re.compile(r"(download\.pytorch\.org/whl/)(cu\d+)\b")


def version_tuple(text: str | None) -> tuple[int, ...]:
    numbers = re.findall(r"\d+", text or "")
    return tuple(int(n) for n in numbers[:3])


def driver_os(machine: Machine) -> str:
    """The CUDA_DRIVER_MIN column for this machine."""
    return "windows" if machine.os.system == "windows" else "other"


def _base(framework: str, hardware: Hardware, machine: Machine) -> str:
    return load_catalog().install_command(framework, hardware, machine.os.system)


def default_cuda_wheel() -> str:
    """The CUDA wheel variant of the catalogue's PyTorch command for NVIDIA (the generated projects' default)."""
    command = load_catalog().install["pytorch", "nvidia"].command
    match = _CUDA_WHEEL.search(command)
    if match is None:
        raise CatalogError(f"install.pytorch.nvidia.command: no PyTorch CUDA wheel index in {command!r}")
    return match.group(2)


def with_cuda_wheel(command: str, wheel: str) -> str:
    """`command` with its PyTorch CUDA index switched to `wheel` (cu126, cu128, cu130)."""
    return _CUDA_WHEEL.sub(lambda m: m.group(1) + wheel, command)


def cuda_wheel(machine: Machine) -> tuple[str, str]:
    """(PyTorch CUDA wheel variant, why). The rule, from PyTorch's CUDA support matrix (RELEASE.md):
    pre-Turing GPUs (compute capability < 7.5) exist only in cu126; a driver new enough for CUDA 13
    takes cu130; anything else the generated projects' default (cu128: Turing to Blackwell)."""
    gpus = machine.gpus_of("nvidia")
    caps = [version_tuple(g.arch) for g in gpus if g.arch]
    if caps and min(caps) < (7, 5):
        return "cu126", "compute capability below 7.5: only PyTorch's CUDA 12.6 wheels still build for it"
    driver = version_tuple(gpus[0].driver) if gpus else ()
    if driver and driver >= CUDA_DRIVER_MIN[13][driver_os(machine)]:
        return "cu130", f"driver {gpus[0].driver} supports CUDA 13 (cu128 works too)"
    wheel = default_cuda_wheel()
    return wheel, f"{wheel}, the generated projects' default; needs driver 525.60+ (Windows 527.41+)"


def torch_install(machine: Machine, hardware: Hardware) -> str:
    command = _base("pytorch", hardware, machine)
    return with_cuda_wheel(command, cuda_wheel(machine)[0]) if hardware == "nvidia" else command


def torch_cuda_install(wheel: str) -> str:
    """The catalogue's NVIDIA install line on a given CUDA wheel variant."""
    return with_cuda_wheel(load_catalog().install["pytorch", "nvidia"].command, wheel)


def torch_replace(machine: Machine, hardware: Hardware) -> str:
    # An installed torch of any build satisfies `pip install torch`, so pip would keep the wrong one.
    line = torch_install(machine, hardware)
    return f"pip uninstall -y torch && {line}" if machine.installed("torch") else line


def wsl_route() -> str:
    """TensorFlow on an NVIDIA GPU from Windows: through WSL2 (the catalogue's Windows command)."""
    return load_catalog().install_command("tensorflow", "nvidia", "windows")


def tensorflow_install(machine: Machine, hardware: Hardware) -> str:
    return _base("tensorflow", hardware, machine)


def installed_rivals(machine: Machine) -> list[str]:
    """The installed wheels that each provide the `tensorflow` package."""
    return [d for d in TF_RIVALS if machine.installed(d)]


def tensorflow_replace(machine: Machine, hardware: Hardware) -> str:
    """The install line, first removing rival TensorFlow wheels (they overwrite each other's files)."""
    line = tensorflow_install(machine, hardware)
    if "\n" in line or not line.startswith("pip install "):
        return line  # a route of several steps (WSL2), not one pip line to prefix
    wanted = line.split()[2].strip('"').split("[")[0]  # the distribution the line installs
    rivals = [d for d in installed_rivals(machine) if d != wanted]
    return f"pip uninstall -y {' '.join(rivals)} && {line}" if rivals else line
