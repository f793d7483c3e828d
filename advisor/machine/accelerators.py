"""GPUs and TPUs: pure parsers of each vendor tool's output, and the detectors that run the tools.

A tool that is missing, fails or prints nothing usable gives no GPUs and a ToolStatus saying why.
"""

from __future__ import annotations

import os
import re

from advisor.machine.model import GPU, OSInfo, ToolStatus
from advisor.machine.system import read_bounded, root, run, which

PCI_VENDORS = {"0x10de": "nvidia", "0x1002": "amd", "0x8086": "intel", "0x1ae0": "google"}
INTEGRATED_SLOT = "0000:00:02.0"  # Intel puts its integrated GPU at this PCI address


def _int(text: str) -> int | None:
    try:
        return int(float(text))
    except (TypeError, ValueError):
        return None


def parse_nvidia_smi(text: str) -> tuple[GPU, ...]:
    """Rows of `nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader,nounits`."""
    gpus = []
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.split(",")]
        if len(cells) < 2 or not cells[0] or not re.match(r"^\d+(\.\d+)*$", cells[1]):
            continue  # a warning line or garbage, not a GPU row
        memory = _int(cells[2]) if len(cells) > 2 else None
        arch = cells[3] if len(cells) > 3 and re.match(r"^\d+\.\d+$", cells[3]) else None
        gpus.append(GPU("nvidia", cells[0], cells[1], memory, arch))
    return tuple(gpus)


def detect_nvidia() -> tuple[ToolStatus, tuple[GPU, ...]]:
    # Under WSL2 the Windows driver provides nvidia-smi here, often not on PATH.
    path = which("nvidia-smi", ("/usr/lib/wsl/lib/nvidia-smi",))
    if path is None:
        return ToolStatus("nvidia-smi"), ()
    query = "--query-gpu=name,driver_version,memory.total,compute_cap"
    out, error = run([path, query, "--format=csv,noheader,nounits"])
    if error is not None:
        return ToolStatus("nvidia-smi", path, error), ()
    gpus = parse_nvidia_smi(out or "")
    return ToolStatus("nvidia-smi", path, None if gpus else "no GPU rows in its output"), gpus


def parse_rocminfo(text: str) -> tuple[GPU, ...]:
    """GPU agents from `rocminfo`: each agent block has Name (gfx target), Marketing Name and Device Type."""
    driver = None
    match = re.search(r"ROCk module(?: version)?\s+([\w.\-]+)", text)
    if match:
        driver = match.group(1)
    gpus = []
    for block in re.split(r"\n\s*Agent \d+\s*\n", text)[1:]:
        fields: dict[str, str] = {}
        for line in block.splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip() not in fields:
                fields[key.strip()] = value.strip()
        if fields.get("Device Type", "").upper() != "GPU":
            continue
        arch = fields.get("Name", "")
        name = fields.get("Marketing Name") or arch or "AMD GPU"
        gpus.append(GPU("amd", name, driver, None, arch if arch.startswith("gfx") else None))
    return tuple(gpus)


def detect_amd() -> tuple[ToolStatus, tuple[GPU, ...]]:
    path = which("rocminfo", ("/opt/rocm/bin/rocminfo",))
    if path is None:
        return ToolStatus("rocminfo"), ()
    out, error = run([path])
    if error is not None:
        return ToolStatus("rocminfo", path, error), ()
    gpus = parse_rocminfo(out or "")
    return ToolStatus("rocminfo", path, None if gpus else "no GPU agents in its output"), gpus


def detect_pci() -> tuple[str, ...]:
    """Vendors of display (class 0x03) and processing-accelerator (0x12) PCI devices, from sysfs."""
    base = root() / "sys/bus/pci/devices"
    found = []
    try:
        devices = sorted(base.iterdir())
    except OSError:
        return ()
    for device in devices:
        vendor = read_bounded(device / "vendor").strip().lower()
        klass = read_bounded(device / "class").strip().lower()
        if not klass.startswith(("0x03", "0x12")) or vendor not in PCI_VENDORS:
            continue
        name = PCI_VENDORS[vendor]
        if name == "intel" and device.name == INTEGRATED_SLOT:
            name = "intel-igpu"
        found.append(name)
    return tuple(found)


def parse_xpu_smi(text: str) -> tuple[GPU, ...]:
    names = re.findall(r"Device Name:\s*(.+?)\s*(?:\||$)", text, flags=re.MULTILINE)
    return tuple(GPU("intel", name) for name in names if name)


def detect_intel(pci: tuple[str, ...]) -> tuple[ToolStatus, tuple[GPU, ...]]:
    """Discrete Intel GPUs: xpu-smi's list, else a non-integrated Intel display device on the PCI bus."""
    path = which("xpu-smi")
    status = ToolStatus("xpu-smi")
    if path is not None:
        out, error = run([path, "discovery"])
        gpus = parse_xpu_smi(out or "") if error is None else ()
        status = ToolStatus("xpu-smi", path, error if error else (None if gpus else "no devices in its output"))
        if gpus:
            return status, gpus
    count = pci.count("intel")
    return status, tuple(GPU("intel", "Intel discrete GPU (PCI)") for _ in range(count))


def detect_apple_silicon(os_info: OSInfo) -> bool:
    return os_info.system == "macos" and (os_info.machine == "arm64" or os_info.rosetta)


def detect_tpu(pci: tuple[str, ...]) -> str | None:
    """Evidence of a Cloud TPU VM. Honest heuristics, not a TPU runtime check."""
    for variable in ("TPU_NAME", "TPU_ACCELERATOR_TYPE", "COLAB_TPU_ADDR"):
        if os.environ.get(variable):
            return f"{variable}={os.environ[variable]}"
    if "google" in pci:
        return "Google TPU device on the PCI bus"
    # TPU v2-v4 VMs expose /dev/accel0..N (the kernel's own accel subsystem uses /dev/accel/, a folder).
    try:
        accel = sorted(p.name for p in (root() / "dev").glob("accel[0-9]*") if not p.is_dir())
    except OSError:
        accel = []
    if accel:
        return "/dev/" + ", /dev/".join(accel)
    return None
