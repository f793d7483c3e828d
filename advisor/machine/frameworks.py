"""Installed frameworks: their wheels, read from metadata, and what each sees, asked of a child interpreter.

Doctor never imports torch, tensorflow or jax: each probe in probes/ runs by path in the interpreter being
checked and prints one line, PROBE_MARK + JSON. A probe that fails, hangs or prints garbage gives
{"error": why}, which reads as an installed framework whose check failed.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import sys
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from advisor.machine.model import FrameworkInfo, FrameworkName
from advisor.machine.system import run

PROBE_TIMEOUT_S = 60.0  # importing TensorFlow cold can take tens of seconds
PROBE_MARK = "ADVISOR-PROBE "
PROBES_DIR = Path(__file__).resolve().parent / "probes"
PROBES: dict[FrameworkName, Path] = {
    "torch": PROBES_DIR / "torch_probe.py",
    "tensorflow": PROBES_DIR / "tensorflow_probe.py",
    "jax": PROBES_DIR / "jax_probe.py",
}
DISTRIBUTIONS_PROBE = PROBES_DIR / "distributions_probe.py"
# Distributions looked up by metadata only; several install the same import name (rival wheels).
DISTRIBUTIONS: dict[str, FrameworkName] = {
    "torch": "torch",
    "torch_xla": "torch",
    "torch_tpu": "torch",
    "tensorflow": "tensorflow",
    "tensorflow-cpu": "tensorflow",
    "tensorflow-macos": "tensorflow",
    "tensorflow-intel": "tensorflow",
    "tensorflow-rocm": "tensorflow",
    "tensorflow-tpu": "tensorflow",
    "tensorflow-metal": "tensorflow",
    "keras": "keras",
    "jax": "jax",
}
# Distributions that provide the framework itself (the rest are plugins or add-ons of it).
CORE = {"torch", "tensorflow", "tensorflow-cpu", "tensorflow-macos", "tensorflow-intel", "tensorflow-rocm",
        "tensorflow-tpu", "keras", "jax"}
# The torch build (FrameworkInfo.build) and accelerator name (FrameworkInfo.sees) for each target hardware:
# the probe's vocabulary, not the catalogue's.
TORCH_BUILDS = {"nvidia": "cuda", "amd": "rocm", "apple": "mps", "intel": "xpu"}

ProbeResult = Mapping[str, Any]  # a probe's JSON object


def marked_json(out: str | None) -> dict[str, Any] | None:
    """The JSON object on the last PROBE_MARK line of a probe's output, or None."""
    for line in reversed((out or "").splitlines()):
        if line.startswith(PROBE_MARK):
            try:
                data = json.loads(line[len(PROBE_MARK):])
            except ValueError:
                return None
            return data if isinstance(data, dict) else None
    return None


def installed_distributions(python: str | None = None) -> dict[str, str]:
    """{distribution: version} for the wheels doctor cares about, read from metadata (never imported)."""
    names = list(DISTRIBUTIONS)
    if python is None or python == sys.executable:
        found = {}
        for name in names:
            with contextlib.suppress(Exception):  # not installed, or broken metadata
                found[name] = importlib.metadata.version(name)
        return found
    out, _ = run([python, str(DISTRIBUTIONS_PROBE), *names])
    data = marked_json(out) or {}
    return {str(k): str(v) for k, v in data.items() if k in DISTRIBUTIONS}


def probe_framework(name: FrameworkName, python: str | None = None, timeout: float | None = None) -> ProbeResult:
    """Ask a child interpreter what `name` sees; {"error": why} when it cannot tell."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"}
    command = [python or sys.executable, str(PROBES[name])]
    out, error = run(command, PROBE_TIMEOUT_S if timeout is None else timeout, env)
    data = marked_json(out)
    if data is None:
        return {"error": error or "the probe printed no result"}
    return data


def framework_from_probe(
    name: FrameworkName, distribution: str, version: str, probe: ProbeResult | None
) -> FrameworkInfo:
    """Turn a probe's JSON into what the build is and which accelerators it sees."""
    if probe is None:
        return FrameworkInfo(name, distribution, version)
    if probe.get("error"):
        return FrameworkInfo(name, distribution, version, probed=True, error=str(probe["error"]))
    if name == "torch":
        return _torch(distribution, version, probe)
    if name == "tensorflow":
        return _tensorflow(distribution, version, probe)
    devices = _strings(probe.get("devices"))
    platforms = tuple(p for p in _strings(probe.get("platforms")) if p != "cpu")
    return FrameworkInfo(name, distribution, version, True, None, None, platforms, devices)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in value or ())


def _torch(distribution: str, version: str, probe: ProbeResult) -> FrameworkInfo:
    hip, cuda = probe.get("hip"), probe.get("cuda")
    if hip:
        build = f"rocm {hip}"
    elif cuda:
        build = f"cuda {cuda}"
    elif "+xpu" in version or probe.get("xpu"):
        build = "xpu"
    elif probe.get("mps_built"):
        build = "mps"
    else:
        build = "cpu"
    sees = []
    if probe.get("cuda_available"):
        sees.append("rocm" if hip else "cuda")
    if probe.get("mps"):
        sees.append("mps")
    if probe.get("xpu"):
        sees.append("xpu")
    devices, archs = _strings(probe.get("devices")), _strings(probe.get("archs"))
    return FrameworkInfo("torch", distribution, version, True, None, build, tuple(sees), devices, archs)


def _tensorflow(distribution: str, version: str, probe: ProbeResult) -> FrameworkInfo:
    if probe.get("rocm_build"):
        build = "rocm"
    elif probe.get("cuda_build"):
        build = f"cuda {probe.get('cuda')}" if probe.get("cuda") else "cuda"
    else:
        build = "cpu"
    devices = _strings(probe.get("devices"))
    sees = ("gpu",) if devices else ()
    return FrameworkInfo("tensorflow", distribution, version, True, None, build, sees, devices)


def detect_frameworks(
    distributions: Mapping[str, str], probe: bool = True, python: str | None = None
) -> tuple[FrameworkInfo, ...]:
    """One entry per installed framework; probed in parallel child processes when asked."""
    chosen: dict[FrameworkName, tuple[str, str]] = {}
    for distribution, version in distributions.items():
        name = DISTRIBUTIONS.get(distribution)
        if name is not None and distribution in CORE and name not in chosen:
            chosen[name] = (distribution, version)
    probes: dict[FrameworkName, ProbeResult] = {}
    to_probe = [name for name in chosen if probe and name in PROBES]
    if to_probe:
        with ThreadPoolExecutor(max_workers=len(to_probe)) as pool:
            for name, result in zip(to_probe, pool.map(lambda n: probe_framework(n, python), to_probe), strict=True):
                probes[name] = result
    return tuple(
        framework_from_probe(name, distribution, version, probes.get(name))
        for name, (distribution, version) in chosen.items()
    )
