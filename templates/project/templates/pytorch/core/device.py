"""Pick the training device, and say exactly what is missing when the target accelerator is not usable."""
{% raw %}
from __future__ import annotations

import warnings
from dataclasses import dataclass

import torch
{% endraw %}
# The hardware this project was generated for (advisor's "hardware" answer).
TARGET_HARDWARE = "{{ cookiecutter.hardware }}"

# How to install PyTorch for each hardware target (advisor's catalogue; README.md, Install, has the same).
INSTALL = {
{%- for hardware in catalog.hardware %}
    "{{ hardware }}": {{ install("pytorch", hardware)|py_str }},
{%- endfor %}
}
{% raw %}
# hardware -> (device PyTorch uses for it, most likely fix when it is missing)
ACCELERATORS = {
    "cpu": ("cpu", ""),
    "nvidia": ("cuda", f"{INSTALL['nvidia']} (a CUDA build), and check that `nvidia-smi` lists the GPU"),
    "amd": ("cuda (ROCm)", f"{INSTALL['amd']} (a ROCm build, Linux only), and check that `rocm-smi` lists the GPU"),
    "apple": ("mps", f"use an Apple-silicon Mac (macOS 12.3+) with an arm64 Python, then {INSTALL['apple']}"),
    "intel": ("xpu", f"{INSTALL['intel']} (an XPU build), and install Intel's GPU driver"),
    "tpu": ("xla", f"on a Cloud TPU VM: {INSTALL['tpu']}"),
}


@dataclass(frozen=True)
class AcceleratorStatus:
    expected: str  # device the target hardware should give
    found: str  # what this machine and torch build actually offer
    available: bool
    fix: str  # the likely fix when not available ("" otherwise)


def _xla_device() -> torch.device | None:
    try:
        import torch_xla
    except ImportError:
        return None
    return torch_xla.device()


def _found() -> str:
    """Describe the accelerators this torch build can use right now."""
    if torch.cuda.is_available():
        kind = "ROCm" if torch.version.hip else "CUDA"
        return f"cuda ({kind}: {torch.cuda.get_device_name(0)})"
    if torch.backends.mps.is_available():
        return "mps"
    if hasattr(torch, "xpu") and torch.xpu.is_available():
        return "xpu"
    build = "ROCm " + torch.version.hip if torch.version.hip else (
        "CUDA " + torch.version.cuda if torch.version.cuda else "CPU-only"
    )
    return f"cpu only (torch {torch.__version__}, {build} build)"


def _target_available(target: str) -> bool:
    if target == "cpu":
        return True
    if target == "nvidia":
        return torch.cuda.is_available() and not torch.version.hip
    if target == "amd":
        return torch.cuda.is_available() and bool(torch.version.hip)
    if target == "apple":
        return torch.backends.mps.is_available()
    if target == "intel":
        return hasattr(torch, "xpu") and torch.xpu.is_available()
    if target == "tpu":
        return _xla_device() is not None
    raise ValueError(f"unknown hardware target {target!r}; expected one of {sorted(ACCELERATORS)}")


def accelerator_status(target: str = TARGET_HARDWARE) -> AcceleratorStatus:
    expected, fix = ACCELERATORS[target]
    available = _target_available(target)
    if not available and target == "nvidia" and torch.version.cuda:
        # Right wheel, no usable GPU: the driver (or the machine) is the problem.
        fix = "this torch build has CUDA but sees no GPU: check the NVIDIA driver with `nvidia-smi`"
    return AcceleratorStatus(expected, _found(), available, "" if available else fix)


def select_device(preference: str = "auto") -> torch.device:
    """`auto`: the target accelerator, else any usable accelerator, else CPU (with a warning)."""
    if preference in ("tpu", "xla"):
        device = _xla_device()
        if device is None:
            raise RuntimeError(f"device {preference!r} requested but torch_xla is missing: {ACCELERATORS['tpu'][1]}")
        return device
    if preference != "auto":
        return torch.device(preference)

    status = accelerator_status()
    if TARGET_HARDWARE == "tpu" and status.available:
        return _xla_device()
    if torch.cuda.is_available():
        device = torch.device("cuda")
    elif torch.backends.mps.is_available():
        device = torch.device("mps")
    elif hasattr(torch, "xpu") and torch.xpu.is_available():
        device = torch.device("xpu")
    else:
        device = torch.device("cpu")
    if not status.available:
        warnings.warn(
            f"target hardware {TARGET_HARDWARE!r} expects {status.expected}, found {status.found}; "
            f"using {device}. Likely fix: {status.fix}",
            stacklevel=2,
        )
    return device
{%- endraw %}
