"""Fake hardware for the machine tests: canned tool output, and a Fake machine built from real executables.

Fakes are real where they can be: small executables on PATH stand in for nvidia-smi, rocminfo and a
Python interpreter (which prints canned framework-probe results), and /proc, /sys and /dev come from a
temporary root (ADVISOR_DETECT_ROOT). Only the OS identity is monkeypatched (platform.*).
"""

import json
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest

from advisor.machine import frameworks, system
from advisor.machine.detect import detect_machine
from advisor.machine.model import Machine

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


class Fake:
    """An empty machine: no tools on PATH, an empty /proc, /sys, /dev, no TPU or WSL variables, Linux."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        self.tmp_path = tmp_path
        self.bin = tmp_path / "bin"
        self.root = tmp_path / "root"
        self.bin.mkdir()
        self.root.mkdir()
        for utility in ("cat", "sleep"):  # the fake tools' scripts use them; PATH holds nothing else
            (self.bin / utility).symlink_to(shutil.which(utility))
        monkeypatch.setenv("PATH", str(self.bin))
        monkeypatch.setenv(system.ROOT_ENV, str(self.root))
        for variable in ("TPU_NAME", "TPU_ACCELERATOR_TYPE", "COLAB_TPU_ADDR", "WSL_DISTRO_NAME", "CUDA_VISIBLE_DEVICES"):
            monkeypatch.delenv(variable, raising=False)
        monkeypatch.setattr(system.platform, "system", lambda: "Linux")
        monkeypatch.setattr(system.platform, "machine", lambda: "x86_64")
        monkeypatch.setattr(system, "TOOL_TIMEOUT_S", 2.0)

    def tool(self, name: str, body: str) -> Path:
        return write_exe(self.bin / name, body)

    def file(self, relative: str, text: str) -> None:
        write_file(self.root, relative, text)

    def python(self, distributions: dict[str, str], **probes: dict[str, Any]) -> str:
        """A fake interpreter: answers the metadata probe and each framework probe (run by path) with canned JSON.

        `modules` is the export packages probe's answer ({distribution: {"version", "importable"}}; default none).
        """
        probes.setdefault("modules", {})
        data = self.tmp_path / "canned"
        data.mkdir(exist_ok=True)
        (data / "dists.json").write_text(json.dumps(distributions))
        for name, result in probes.items():
            (data / f"{name}.json").write_text(json.dumps(result))
        return str(write_exe(self.tmp_path / "python", textwrap.dedent(f"""\
            case "$1" in
              *distributions_probe.py) f=dists ;;
              *modules_probe.py) f=modules ;;
              *torch_probe.py) f=torch ;;
              *tensorflow_probe.py) f=tensorflow ;;
              *jax_probe.py) f=jax ;;
              -c) case "$2" in *platform.python_version*) echo "3.12.9 CPython"; exit 0 ;; esac ;;
            esac
            [ -f "{data}/$f.json" ] || {{ echo "ModuleNotFoundError: $f" >&2; exit 1; }}
            printf '{frameworks.PROBE_MARK}'; cat "{data}/$f.json"
            """)))

    def machine(self, distributions: dict[str, str] | None = None, **probes: dict[str, Any]) -> Machine:
        python = self.python(distributions or {}, **probes)
        return detect_machine(probe_frameworks=True, python=python)


def fixes(findings) -> list[str]:
    return [f.fix for f in findings if f.fix]


def by_level(findings, level: str) -> list:
    return [f for f in findings if f.level == level]
