"""Verdicts about a machine: what works, what does not, and the exact command that fixes it.

The caveats match rules/constraints.yaml and the install lines come from installs.py (the catalogue);
sources are in the docs and the rules, not repeated here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

from advisor.catalog import load_catalog
from advisor.machine.frameworks import TORCH_BUILDS
from advisor.machine.installs import (
    CUDA_DRIVER_MIN,
    driver_os,
    installed_rivals,
    tensorflow_install,
    tensorflow_replace,
    torch_cuda_install,
    torch_replace,
    version_tuple,
    wsl_route,
)
from advisor.machine.model import FrameworkInfo, Hardware, Machine

Level = Literal["ok", "info", "warn", "error"]
LEVELS: tuple[Level, ...] = ("ok", "info", "warn", "error")


@dataclass(frozen=True)
class Finding:
    level: Level
    message: str
    fix: str | None = None  # a command to copy, where there is one


def hardware_label(hardware: Hardware) -> str:
    return load_catalog().hardware[hardware].label


# --- the machine itself ---------------------------------------------------------------------------


def machine_findings(machine: Machine) -> list[Finding]:
    return [
        *_nvidia_findings(machine),
        *_amd_findings(machine),
        *_intel_findings(machine),
        *_apple_findings(machine),
        *([Finding("ok", f"Cloud TPU VM ({machine.tpu})")] if machine.tpu else []),
        *_wsl_findings(machine),
        *([Finding("info", "no GPU or TPU found: training runs on the CPU")] if machine.hardware == ("cpu",) else []),
    ]


def _nvidia_findings(machine: Machine) -> list[Finding]:
    nvidia, smi = machine.gpus_of("nvidia"), machine.tool("nvidia-smi")
    if nvidia:
        names = ", ".join(g.name for g in nvidia)
        findings = [Finding("ok", f"{len(nvidia)} NVIDIA GPU(s): {names}; driver {nvidia[0].driver}")]
        driver = version_tuple(nvidia[0].driver)
        if driver and driver < CUDA_DRIVER_MIN[12][driver_os(machine)]:
            findings.append(Finding(
                "error",
                f"NVIDIA driver {nvidia[0].driver} is too old for CUDA 12, which current PyTorch and TensorFlow "
                "wheels need: update the driver to 525.60 or newer (Windows 527.41)",
            ))
        return findings
    if smi.found:
        return [Finding(
            "error",
            f"nvidia-smi is installed but failed ({smi.error}): the NVIDIA driver is not loaded or does not "
            "match its kernel module; reinstall the driver or reboot after a driver update",
        )]
    if "nvidia" in machine.pci:
        return [Finding(
            "warn", "an NVIDIA GPU is on the PCI bus but nvidia-smi is missing: install the NVIDIA driver"
        )]
    return []


def _amd_findings(machine: Machine) -> list[Finding]:
    amd, rocminfo = machine.gpus_of("amd"), machine.tool("rocminfo")
    if amd:
        return [Finding("ok", f"{len(amd)} AMD GPU(s) with ROCm: " + ", ".join(
            f"{g.name} ({g.arch})" if g.arch and g.arch != g.name else g.name for g in amd))]
    if rocminfo.found:
        return [Finding("warn", f"rocminfo is installed but found no usable GPU ({rocminfo.error})")]
    if "amd" in machine.pci and machine.os.system == "linux":
        return [Finding(
            "info", "an AMD display device is on the PCI bus but ROCm (rocminfo) is not installed: "
            "PyTorch's ROCm wheels need a ROCm-supported GPU and AMD's driver",
        )]
    return []


def _intel_findings(machine: Machine) -> list[Finding]:
    intel = machine.gpus_of("intel")
    return [Finding("ok", f"{len(intel)} Intel GPU(s): " + ", ".join(g.name for g in intel))] if intel else []


def _apple_findings(machine: Machine) -> list[Finding]:
    if machine.apple_silicon:
        findings = [Finding("ok", "Apple silicon: PyTorch trains on its GPU through MPS")]
        if machine.os.rosetta:
            findings.append(Finding(
                "error",
                "this Python is x86_64 running under Rosetta: it cannot use MPS; install an arm64 Python "
                "(python.org universal2 installer or Homebrew) and recreate the virtual environment",
            ))
        return findings
    if machine.os.system == "macos":
        return [Finding("info", "Intel Mac: neither PyTorch nor TensorFlow trains on its GPU; the CPU is used")]
    return []


def _wsl_findings(machine: Machine) -> list[Finding]:
    wsl = machine.os.wsl
    if wsl == "WSL1":
        distro = os.environ.get("WSL_DISTRO_NAME") or "<distro>"
        return [Finding(
            "warn", "WSL1 has no GPU access; convert this distribution to WSL2 (run in Windows PowerShell)",
            f"wsl --set-version {distro} 2",
        )]
    if wsl:
        return [Finding(
            "info",
            f"{wsl}: the supported route for TensorFlow on an NVIDIA GPU under Windows; the Windows NVIDIA "
            "driver serves it, so do not install a Linux NVIDIA driver inside WSL",
        )]
    return []


# --- PyTorch --------------------------------------------------------------------------------------


def torch_findings(machine: Machine, hardware: Hardware) -> list[Finding]:
    """Is torch installed, and does it use `hardware`? Missing torch is info: nothing is broken yet."""
    torch = machine.framework("torch")
    fix = torch_replace(machine, hardware)
    if torch is None:
        return [Finding("info", f"PyTorch is not installed; for this machine ({hardware})", fix)]
    name = f"torch {torch.version}"
    if torch.error:
        return [Finding("error", f"{name} is installed but its check failed: {torch.error}", fix)]
    if not torch.probed:
        return [Finding("info", f"{name} is installed (not checked)")]
    build = f"{name} ({torch.build} build)"
    if hardware == "cpu":
        if torch.build in ("cpu", "mps"):
            return [Finding("ok", f"{build} runs on the CPU")]
        return [Finding("info", f"{build} runs on the CPU here; the CPU wheel is much smaller", fix)]
    if hardware == "tpu":
        return [_torch_tpu(machine, name)]
    if TORCH_BUILDS[hardware] in torch.sees:
        devices = f": {', '.join(torch.devices)}" if torch.devices else ""
        seen = Finding("ok", f"{build} sees the {hardware_label(hardware)}{devices}")
        return [seen, *_torch_arch(machine, torch, hardware)]
    return [_torch_unseen(machine, torch, hardware, build, fix)]


def _torch_tpu(machine: Machine, name: str) -> Finding:
    extra = machine.installed("torch_xla") or machine.installed("torch_tpu")
    if extra:
        return Finding("ok", f"{name} with torch_xla/torch_tpu {extra} for the TPU")
    return Finding(
        "warn",
        f"{name} needs torch_xla (or Google Cloud's TorchTPU: pip install torch_tpu) to use the TPU; "
        "torch_xla's future is questioned, so pin versions",
        "pip install 'torch_xla[tpu]'",
    )


def _torch_unseen(machine: Machine, torch: FrameworkInfo, hardware: Hardware, build: str, fix: str) -> Finding:
    """Why a torch build does not use the machine's accelerator."""
    if hardware == "nvidia" and (torch.build or "").startswith("cuda"):
        return _torch_cuda_unseen(machine, build)
    if hardware == "amd" and (torch.build or "").startswith("rocm"):
        return Finding(
            "error",
            f"{build} does not see the AMD GPU: your user needs the render and video groups (log in again after)",
            "sudo usermod -aG render,video $USER",
        )
    if hardware == "apple":
        if machine.os.rosetta:
            return Finding("error", f"{build} cannot use MPS from an x86_64 (Rosetta) Python")
        return Finding(
            "error", f"{build} does not see the Apple GPU (MPS needs macOS 12.3+)", "pip install --upgrade torch"
        )
    what = "the CPU-only build" if torch.build == "cpu" else f"the {torch.build} build"
    return Finding(
        "error", f"torch {torch.version} is {what}: it cannot use the {hardware_label(hardware)} this machine has", fix
    )


def _torch_cuda_unseen(machine: Machine, build: str) -> Finding:
    gpus = machine.gpus_of("nvidia")
    driver = version_tuple(gpus[0].driver) if gpus else ()
    cuda_major = (version_tuple(build.split("cuda", 1)[1]) or (0,))[0]
    need = CUDA_DRIVER_MIN.get(cuda_major, {}).get(driver_os(machine))
    if driver and need and driver < need:
        # A CUDA 13 build on a CUDA 12 driver: the CUDA 12.8 wheel runs without a driver update.
        fix = f"pip uninstall -y torch && {torch_cuda_install('cu128')}" if cuda_major >= 13 else None
        return Finding(
            "error",
            f"{build} does not see the NVIDIA GPU: driver {gpus[0].driver} is older than CUDA {cuda_major} needs "
            f"({'.'.join(map(str, need))}+); update the driver" + (" or use the CUDA 12.8 wheel" if fix else ""),
            fix,
        )
    hidden = os.environ.get("CUDA_VISIBLE_DEVICES")
    if hidden is not None and hidden.strip() in ("", "-1", "none", "NoDevFiles"):
        return Finding(
            "error", f"{build} does not see the NVIDIA GPU: CUDA_VISIBLE_DEVICES={hidden!r} hides it",
            "unset CUDA_VISIBLE_DEVICES",
        )
    return Finding(
        "error",
        f"{build} does not see the NVIDIA GPU; run python -c \"import torch; torch.cuda.init()\" for CUDA's own error",
    )


def _torch_arch(machine: Machine, torch: FrameworkInfo, hardware: Hardware) -> list[Finding]:
    """A CUDA build without kernels for this GPU sees it but fails on the first op (e.g. Blackwell on cu126)."""
    if hardware != "nvidia" or not torch.archs:
        return []
    findings = []
    for gpu in machine.gpus_of("nvidia"):
        cap = version_tuple(gpu.arch)
        if len(cap) < 2:
            continue
        sm = f"sm_{cap[0]}{cap[1]}"
        ptx = [version_tuple(a) for a in torch.archs if a.startswith("compute_")]
        if sm not in torch.archs and not any(p and p <= (cap[0] * 10 + cap[1],) for p in ptx):
            findings.append(Finding(
                "error",
                f"torch {torch.version} has no kernels for {gpu.name} ({sm}; built for {' '.join(torch.archs)})",
                torch_replace(machine, "nvidia"),
            ))
    return findings


# --- TensorFlow -----------------------------------------------------------------------------------


def tensorflow_findings(machine: Machine, hardware: Hardware) -> list[Finding]:
    """Is TensorFlow installed, and can it use `hardware`? Consistent with rules/constraints.yaml."""
    tf = machine.framework("tensorflow")
    fix = tensorflow_replace(machine, hardware)
    findings = _tensorflow_environment(machine, hardware)
    if tf is None:
        return [*findings, Finding("info", f"TensorFlow is not installed; for this machine ({hardware})", fix)]
    name = f"TensorFlow {tf.version} ({tf.distribution})"
    if tf.error:
        return [*findings, Finding("error", f"{name} is installed but its check failed: {tf.error}", fix)]
    if not tf.probed:
        return [*findings, Finding("info", f"{name} is installed (not checked)")]
    if hardware == "nvidia":
        return findings + _tensorflow_nvidia(machine, tf, name, fix)
    if hardware == "amd":
        return [*findings, _tensorflow_amd(machine, tf, name, fix)]
    if hardware == "intel":
        return [*findings, Finding(
            "warn", f"{name} trains on the CPU: Intel Extension for TensorFlow (the Intel GPU path) is end-of-life; "
            "for the Intel GPU use PyTorch (XPU)",
        )]
    if hardware == "tpu":
        if machine.installed("tensorflow-tpu"):
            return [*findings, Finding("ok", f"{name} with tensorflow-tpu; Keras steers TPU users to its JAX backend")]
        return [*findings, Finding("warn", f"{name} needs the tensorflow-tpu wheel to use the TPU", fix)]
    if hardware == "cpu" or machine.os.system == "macos":
        return [*findings, Finding("ok", f"{name} runs on the CPU")]
    return findings


def _tensorflow_environment(machine: Machine, hardware: Hardware) -> list[Finding]:
    """What holds whether or not TensorFlow imports: rival wheels, and macOS's lack of a GPU build."""
    findings = []
    rivals = installed_rivals(machine)
    if len(rivals) > 1:
        findings.append(Finding(
            "warn",
            f"{' and '.join(rivals)} are installed together: rival wheels of one package that overwrite each other",
            f"pip uninstall -y {' '.join(rivals)} && {tensorflow_install(machine, hardware)}",
        ))
    if machine.os.system == "macos":
        if machine.installed("tensorflow-metal"):
            findings.append(Finding(
                "warn",
                "tensorflow-metal is installed: it broke with TensorFlow 2.18 and can stop TensorFlow importing",
                "pip uninstall -y tensorflow-metal",
            ))
        findings.append(Finding(
            "warn" if hardware == "apple" else "info",
            "TensorFlow has no official GPU support on macOS: it trains on the CPU here; for the Apple GPU use "
            "PyTorch (MPS) or Keras 3 on the PyTorch or JAX backend",
        ))
    return findings


def _tensorflow_nvidia(machine: Machine, tf: FrameworkInfo, name: str, fix: str) -> list[Finding]:
    if machine.os.system == "windows":
        seen = Finding(
            "error",
            f"{name} cannot use the NVIDIA GPU on native Windows: TensorFlow 2.10 was the last release with "
            "native-Windows GPU support; use it inside WSL2",
            wsl_route(),
        )
    elif "gpu" in tf.sees:
        seen = Finding("ok", f"{name} sees the NVIDIA GPU: {', '.join(tf.devices)}")
    elif tf.distribution == "tensorflow-cpu":
        seen = Finding("error", f"{name} is the CPU-only TensorFlow wheel: it cannot use the NVIDIA GPU", fix)
    else:
        seen = Finding(
            "error", f"{name} does not see the NVIDIA GPU (its CUDA libraries come with the [and-cuda] extra)", fix
        )
    if any(version_tuple(g.arch) >= (10,) for g in machine.gpus_of("nvidia") if g.arch):
        return [seen, Finding(
            "warn", "official TensorFlow wheels fail on Blackwell GPUs (sm_100/sm_120): use NVIDIA's TensorFlow "
            "container there, or PyTorch's cu128+ wheels",
        )]
    return [seen]


def _tensorflow_amd(machine: Machine, tf: FrameworkInfo, name: str, fix: str) -> Finding:
    instinct = any("instinct" in g.name.lower() or (g.arch or "").startswith(("gfx90", "gfx94", "gfx95"))
                   for g in machine.gpus_of("amd"))
    if "gpu" in tf.sees:
        return Finding("ok", f"{name} sees the AMD GPU")
    if instinct and machine.os.system == "linux":
        return Finding("error", f"{name} does not see the AMD Instinct GPU: it needs AMD's tensorflow-rocm", fix)
    return Finding(
        "warn", f"{name} trains on the CPU: tensorflow-rocm (AMD-built, lagging) supports Instinct GPUs on Linux only"
    )


def diagnose(machine: Machine) -> list[Finding]:
    """Every verdict for this machine, against its best accelerator."""
    hardware = machine.hardware[0]
    return machine_findings(machine) + torch_findings(machine, hardware) + tensorflow_findings(machine, hardware)
