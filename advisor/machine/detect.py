"""The whole machine in one call, and the questionnaire defaults the wizard takes from it.

Imports no catalogue, YAML or rich: the wizard calls suggested_answers() before its first question.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from advisor.machine.accelerators import (
    detect_amd,
    detect_apple_silicon,
    detect_intel,
    detect_nvidia,
    detect_pci,
    detect_tpu,
)
from advisor.machine.frameworks import detect_frameworks, installed_distributions
from advisor.machine.model import Machine
from advisor.machine.system import detect_cpu, detect_os, detect_python

QUESTIONNAIRE_OS = ("linux", "windows", "macos")


def detect_machine(probe_frameworks: bool = True, python: str | None = None) -> Machine:
    """Everything doctor reports. `python` is the interpreter whose frameworks are checked (default: this one)."""
    os_info = detect_os()
    pci = detect_pci()
    with ThreadPoolExecutor(max_workers=3) as pool:
        nvidia = pool.submit(detect_nvidia)
        amd = pool.submit(detect_amd)
        intel = pool.submit(detect_intel, pci)
        (nvidia_tool, nvidia_gpus), (amd_tool, amd_gpus), (intel_tool, intel_gpus) = (
            nvidia.result(), amd.result(), intel.result()
        )
    distributions = installed_distributions(python)
    return Machine(
        os=os_info,
        python=detect_python(python),
        cpu=detect_cpu(),
        gpus=nvidia_gpus + amd_gpus + intel_gpus,
        tools=(nvidia_tool, amd_tool, intel_tool),
        pci=pci,
        apple_silicon=detect_apple_silicon(os_info),
        tpu=detect_tpu(pci),
        distributions=tuple(sorted(distributions.items())),
        frameworks=detect_frameworks(distributions, probe_frameworks, python),
    )


def suggested_answers(machine: Machine | None = None) -> dict[str, str]:
    """Questionnaire defaults from this machine: "hardware" always, "os" when it is linux, windows or macos.

    Fast (no framework probes), so the wizard can call it before its first question. WSL counts as linux:
    that is where training runs.
    """
    machine = machine or detect_machine(probe_frameworks=False)
    answers: dict[str, str] = {"hardware": machine.hardware[0]}
    if machine.os.system in QUESTIONNAIRE_OS:
        answers["os"] = machine.os.system
    return answers
