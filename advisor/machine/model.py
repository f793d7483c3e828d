"""What a machine has, as frozen records: OS, Python, CPU, GPUs, the tools asked, and installed frameworks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeGuard

# The questionnaire's hardware values, most specific first: a machine with an NVIDIA card and an
# Apple-style or Intel iGPU is an NVIDIA machine for training purposes.
Hardware = Literal["nvidia", "amd", "tpu", "intel", "apple", "cpu"]
HARDWARE_ORDER: tuple[Hardware, ...] = ("nvidia", "amd", "tpu", "intel", "apple", "cpu")
Vendor = Literal["nvidia", "amd", "intel"]
# The tool that lists each vendor's GPUs.
VENDOR_TOOLS: dict[Vendor, str] = {"nvidia": "nvidia-smi", "amd": "rocminfo", "intel": "xpu-smi"}
FrameworkName = Literal["torch", "tensorflow", "keras", "jax"]


def is_hardware(value: str) -> TypeGuard[Hardware]:
    return value in HARDWARE_ORDER


@dataclass(frozen=True)
class ToolStatus:
    """What one external tool said: where it is, and why it failed if it did."""

    tool: str
    path: str | None = None
    error: str | None = None

    @property
    def found(self) -> bool:
        return self.path is not None

    @property
    def ok(self) -> bool:
        return self.path is not None and self.error is None


@dataclass(frozen=True)
class GPU:
    vendor: Vendor
    name: str
    driver: str | None = None
    memory_mib: int | None = None
    arch: str | None = None  # NVIDIA compute capability ("8.9"), AMD gfx target ("gfx90a")


@dataclass(frozen=True)
class OSInfo:
    system: str  # linux | windows | macos (the questionnaire's values) or platform.system() lowercased
    name: str  # "Debian GNU/Linux 12 (bookworm)", "macOS 15.1", "Windows 11"
    version: str  # kernel release or OS build
    machine: str  # x86_64, arm64, AMD64
    wsl: str | None = None  # "WSL2", "WSL1" or "WSL" (version unknown) inside Windows' Linux
    rosetta: bool = False  # an x86_64 Python translated on Apple silicon


@dataclass(frozen=True)
class PythonInfo:
    version: str
    executable: str
    implementation: str


@dataclass(frozen=True)
class CPUInfo:
    model: str
    cores: int | None  # logical cores


@dataclass(frozen=True)
class FrameworkInfo:
    name: FrameworkName
    distribution: str  # the wheel that provides it: torch, tensorflow, tensorflow-cpu, ...
    version: str
    probed: bool = False
    error: str | None = None  # the probe could not import it or timed out
    build: str | None = None  # cpu | cuda 12.8 | rocm 6.4 | xpu | mps (what the wheel was built for)
    sees: tuple[str, ...] = ()  # accelerators usable right now: cuda, rocm, mps, xpu, gpu, tpu
    devices: tuple[str, ...] = ()  # their names, as the framework reports them
    archs: tuple[str, ...] = ()  # torch: the CUDA architectures compiled in (sm_90, ...)


@dataclass(frozen=True)
class Machine:
    os: OSInfo
    python: PythonInfo
    cpu: CPUInfo
    gpus: tuple[GPU, ...] = ()
    tools: tuple[ToolStatus, ...] = ()
    pci: tuple[str, ...] = ()  # vendors of display/accelerator PCI devices: nvidia, amd, intel, intel-igpu, google
    apple_silicon: bool = False
    tpu: str | None = None  # the evidence for a Cloud TPU, or None
    distributions: tuple[tuple[str, str], ...] = ()  # (distribution, version) of every relevant wheel
    frameworks: tuple[FrameworkInfo, ...] = ()

    def gpus_of(self, vendor: Vendor) -> tuple[GPU, ...]:
        return tuple(gpu for gpu in self.gpus if gpu.vendor == vendor)

    def tool(self, name: str) -> ToolStatus:
        return next((t for t in self.tools if t.tool == name), ToolStatus(name))

    def framework(self, name: FrameworkName) -> FrameworkInfo | None:
        return next((f for f in self.frameworks if f.name == name), None)

    def installed(self, distribution: str) -> str | None:
        return dict(self.distributions).get(distribution)

    @property
    def hardware(self) -> tuple[Hardware, ...]:
        """The questionnaire's hardware values this machine has, most specific first; always ends in cpu."""
        found: dict[Hardware, bool] = {
            "nvidia": bool(self.gpus_of("nvidia")),
            "amd": bool(self.gpus_of("amd")),
            "tpu": self.tpu is not None,
            "intel": bool(self.gpus_of("intel")),
            "apple": self.apple_silicon,
            "cpu": True,
        }
        return tuple(key for key in HARDWARE_ORDER if found[key])
