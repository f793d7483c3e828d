"""What this machine has: OS, Python, CPU, accelerators and the installed frameworks.

Every probe has one job and never raises: a missing tool, a timeout or output it cannot parse
reads as "not found" (with the reason kept where one is known). Nothing here imports torch,
tensorflow or jax; whether a framework sees the accelerator is asked of a subprocess.

For tests (and for checking a copy of another machine's /proc, /sys and /etc), files are read under
the root named by ADVISOR_DETECT_ROOT (default "/"), and tools are found on PATH.
"""

import importlib.metadata
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT_ENV = "ADVISOR_DETECT_ROOT"
TOOL_TIMEOUT_S = 10.0  # nvidia-smi can take seconds to wake GPUs without persistence mode
PROBE_TIMEOUT_S = 60.0  # importing TensorFlow cold can take tens of seconds
PROBE_MARK = "ADVISOR-PROBE "
# The hardware values of the questionnaire, most specific first: a machine with an NVIDIA card and an
# Apple-style or Intel iGPU is an NVIDIA machine for training purposes.
HARDWARE_ORDER = ("nvidia", "amd", "tpu", "intel", "apple")
# Distributions looked up by metadata only; several install the same import name (rival wheels).
DISTRIBUTIONS = {
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
PCI_VENDORS = {"0x10de": "nvidia", "0x1002": "amd", "0x8086": "intel", "0x1ae0": "google"}
INTEGRATED_SLOT = "0000:00:02.0"  # Intel puts its integrated GPU at this PCI address


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
    vendor: str  # nvidia | amd | intel
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
    name: str  # torch | tensorflow | keras | jax
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
    frameworks: tuple[FrameworkInfo, ...] = field(default_factory=tuple)

    def gpus_of(self, vendor: str) -> tuple[GPU, ...]:
        return tuple(gpu for gpu in self.gpus if gpu.vendor == vendor)

    def tool(self, name: str) -> ToolStatus:
        return next((t for t in self.tools if t.tool == name), ToolStatus(name))

    def framework(self, name: str) -> FrameworkInfo | None:
        return next((f for f in self.frameworks if f.name == name), None)

    def installed(self, distribution: str) -> str | None:
        return dict(self.distributions).get(distribution)

    @property
    def hardware(self) -> tuple[str, ...]:
        """The questionnaire's hardware values this machine has, most specific first; always ends in cpu."""
        found = {
            "nvidia": bool(self.gpus_of("nvidia")),
            "amd": bool(self.gpus_of("amd")),
            "tpu": self.tpu is not None,
            "intel": bool(self.gpus_of("intel")),
            "apple": self.apple_silicon,
        }
        return tuple(key for key in HARDWARE_ORDER if found[key]) + ("cpu",)


# --- plumbing -------------------------------------------------------------------------------------


def root() -> Path:
    return Path(os.environ.get(ROOT_ENV) or "/")


def read_text(path: str) -> str:
    """A system file under root(), or "" when it is missing or unreadable."""
    try:
        return (root() / path.lstrip("/")).read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError):
        return ""


def which(tool: str, fallbacks: tuple[str, ...] = ()) -> str | None:
    found = shutil.which(tool)
    if found:
        return found
    for candidate in fallbacks:
        path = root() / candidate.lstrip("/")
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    return None


def run(command: list[str], timeout: float | None = None, env: dict | None = None) -> tuple[str | None, str | None]:
    """(stdout, None) on exit 0, else (None, why). Never raises; a hung tool is killed with its children."""
    timeout = TOOL_TIMEOUT_S if timeout is None else timeout
    try:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, errors="replace", env=env, start_new_session=(os.name == "posix"),
        )
    except (OSError, ValueError) as error:
        return None, f"cannot run: {getattr(error, 'strerror', None) or error}"
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        return None, f"timed out after {timeout:g}s"
    except (OSError, ValueError) as error:
        _kill(process)
        return None, f"failed: {error}"
    if process.returncode != 0:
        lines = [line.strip() for line in (err or out or "").splitlines() if line.strip()]
        detail = f": {lines[-1][:200]}" if lines else ""
        return None, f"exit {process.returncode}{detail}"
    return out, None


def _kill(process: subprocess.Popen) -> None:
    try:
        if os.name == "posix":
            os.killpg(process.pid, 9)
        else:
            process.kill()
    except OSError:
        pass
    try:
        process.communicate(timeout=2)
    except (subprocess.TimeoutExpired, OSError, ValueError):
        pass


def _int(text: str) -> int | None:
    try:
        return int(float(text))
    except (TypeError, ValueError):
        return None


# --- OS, Python, CPU ------------------------------------------------------------------------------


def detect_wsl() -> str | None:
    release = read_text("/proc/sys/kernel/osrelease") + read_text("/proc/version")
    if "microsoft" not in release.lower() and not os.environ.get("WSL_DISTRO_NAME"):
        return None
    if "wsl2" in release.lower():
        return "WSL2"
    if "Microsoft" in release:  # WSL1 kernels say "4.4.0-19041-Microsoft"
        return "WSL1"
    return "WSL"


def _os_release_name() -> str:
    fields = {}
    for line in read_text("/etc/os-release").splitlines():
        key, sep, value = line.partition("=")
        if sep:
            fields[key.strip()] = value.strip().strip('"')
    return fields.get("PRETTY_NAME") or " ".join(filter(None, (fields.get("NAME"), fields.get("VERSION_ID"))))


def _rosetta() -> bool:
    out, _ = run(["sysctl", "-n", "sysctl.proc_translated"], timeout=2)
    return (out or "").strip() == "1"


def detect_os() -> OSInfo:
    try:
        system = platform.system()
        machine = platform.machine()
        release = platform.release()
        if system == "Darwin":
            version = platform.mac_ver()[0] or release
            rosetta = machine == "x86_64" and _rosetta()
            return OSInfo("macos", f"macOS {version}".strip(), release, machine, rosetta=rosetta)
        if system == "Windows":
            return OSInfo("windows", f"Windows {release}", platform.version(), machine)
        if system == "Linux":
            return OSInfo("linux", _os_release_name() or "Linux", release, machine, wsl=detect_wsl())
        return OSInfo(system.lower() or "unknown", f"{system} {release}".strip(), release, machine)
    except Exception:  # platform reads odd files on odd systems; a report must still come out
        return OSInfo("unknown", "unknown", "", "")


def detect_python(python: str | None = None) -> PythonInfo:
    if python is None or python == sys.executable:
        return PythonInfo(platform.python_version(), sys.executable, platform.python_implementation())
    out, _ = run([python, "-c", "import platform; print(platform.python_version(), platform.python_implementation())"])
    version, _, implementation = (out or "").strip().partition(" ")
    return PythonInfo(version or "unknown", python, implementation or "unknown")


def detect_cpu() -> CPUInfo:
    cores = os.cpu_count()
    model = ""
    for line in read_text("/proc/cpuinfo").splitlines():
        key, sep, value = line.partition(":")
        # x86 says "model name"; ARM boards say "Model" or "Hardware"
        if sep and key.strip() in ("model name", "Model", "Hardware") and value.strip():
            model = value.strip()
            break
    if not model and sys.platform == "darwin":
        out, _ = run(["sysctl", "-n", "machdep.cpu.brand_string"], timeout=2)
        model = (out or "").strip()
    if not model:
        try:
            model = platform.processor() or platform.machine()
        except Exception:
            model = ""
    return CPUInfo(model or "unknown", cores)


# --- accelerators ---------------------------------------------------------------------------------


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
        try:
            vendor = (device / "vendor").read_text().strip().lower()
            klass = (device / "class").read_text().strip().lower()
        except OSError:
            continue
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


# --- frameworks -----------------------------------------------------------------------------------

_DISTRIBUTIONS_CODE = (
    "import importlib.metadata as m, json\n"
    "found = {}\n"
    "for name in %r:\n"
    "    try: found[name] = m.version(name)\n"
    "    except Exception: pass\n"
    "print(%r + json.dumps(found))\n"
)

# Each probe prints one marked JSON line; it runs in a child interpreter so doctor never imports a framework.
PROBES = {
    "torch": """
import json
r = {}
try:
    import torch
    r["version"] = torch.__version__
    r["cuda"] = torch.version.cuda
    r["hip"] = getattr(torch.version, "hip", None)
    r["cuda_available"] = bool(torch.cuda.is_available())
    n = torch.cuda.device_count() if r["cuda_available"] else 0
    r["devices"] = [torch.cuda.get_device_name(i) for i in range(n)]
    r["archs"] = list(torch.cuda.get_arch_list()) if r["cuda"] else []
    mps = getattr(torch.backends, "mps", None)
    r["mps_built"] = bool(mps and mps.is_built())
    r["mps"] = bool(mps and mps.is_available())
    xpu = getattr(torch, "xpu", None)
    r["xpu"] = bool(xpu and xpu.is_available())
    if r["xpu"]:
        r["devices"] += [xpu.get_device_name(i) for i in range(xpu.device_count())]
except Exception as e:
    r["error"] = (type(e).__name__ + ": " + str(e))[:300]
print("ADVISOR-PROBE " + json.dumps(r))
""",
    "tensorflow": """
import json, os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
r = {}
try:
    import tensorflow as tf
    info = dict(tf.sysconfig.get_build_info())
    r["version"] = tf.__version__
    r["cuda_build"] = bool(info.get("is_cuda_build"))
    r["rocm_build"] = bool(info.get("is_rocm_build"))
    r["cuda"] = info.get("cuda_version")
    r["devices"] = [d.name for d in tf.config.list_physical_devices("GPU")]
except Exception as e:
    r["error"] = (type(e).__name__ + ": " + str(e))[:300]
print("ADVISOR-PROBE " + json.dumps(r))
""",
    "jax": """
import json
r = {}
try:
    import jax
    r["version"] = jax.__version__
    devices = jax.devices()
    r["platforms"] = sorted({d.platform for d in devices})
    r["devices"] = [str(d) for d in devices if d.platform != "cpu"]
except Exception as e:
    r["error"] = (type(e).__name__ + ": " + str(e))[:300]
print("ADVISOR-PROBE " + json.dumps(r))
""",
}


def _marked_json(out: str | None) -> dict | None:
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
            try:
                found[name] = importlib.metadata.version(name)
            except Exception:  # not installed, or broken metadata
                pass
        return found
    out, _ = run([python, "-c", _DISTRIBUTIONS_CODE % (names, PROBE_MARK)])
    data = _marked_json(out) or {}
    return {str(k): str(v) for k, v in data.items() if k in DISTRIBUTIONS}


def probe_framework(name: str, python: str | None = None, timeout: float | None = None) -> dict:
    """Ask a child interpreter what `name` sees; {"error": why} when it cannot tell."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"}
    out, error = run([python or sys.executable, "-c", PROBES[name]], PROBE_TIMEOUT_S if timeout is None else timeout, env)
    data = _marked_json(out)
    if data is None:
        return {"error": error or "the probe printed no result"}
    return data


def framework_from_probe(name: str, distribution: str, version: str, probe: dict | None) -> FrameworkInfo:
    """Turn a probe's JSON into what the build is and which accelerators it sees."""
    if probe is None:
        return FrameworkInfo(name, distribution, version)
    if probe.get("error"):
        return FrameworkInfo(name, distribution, version, probed=True, error=str(probe["error"]))
    devices = tuple(str(d) for d in probe.get("devices") or ())
    sees: list[str] = []
    if name == "torch":
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
        if probe.get("cuda_available"):
            sees.append("rocm" if hip else "cuda")
        if probe.get("mps"):
            sees.append("mps")
        if probe.get("xpu"):
            sees.append("xpu")
        archs = tuple(str(a) for a in probe.get("archs") or ())
        return FrameworkInfo(name, distribution, version, True, None, build, tuple(sees), devices, archs)
    if name == "tensorflow":
        if probe.get("rocm_build"):
            build = "rocm"
        elif probe.get("cuda_build"):
            build = f"cuda {probe.get('cuda')}" if probe.get("cuda") else "cuda"
        else:
            build = "cpu"
        if devices:
            sees.append("gpu")
        return FrameworkInfo(name, distribution, version, True, None, build, tuple(sees), devices)
    platforms = [p for p in probe.get("platforms") or () if p != "cpu"]
    return FrameworkInfo(name, distribution, version, True, None, None, tuple(platforms), devices)


def detect_frameworks(
    distributions: dict[str, str], probe: bool = True, python: str | None = None
) -> tuple[FrameworkInfo, ...]:
    """One entry per installed framework; probed in parallel child processes when asked."""
    chosen: dict[str, tuple[str, str]] = {}
    for distribution, version in distributions.items():
        name = DISTRIBUTIONS.get(distribution)
        if distribution in CORE and name not in chosen:
            chosen[name] = (distribution, version)
    probes: dict[str, dict] = {}
    to_probe = [name for name in chosen if probe and name in PROBES]
    if to_probe:
        with ThreadPoolExecutor(max_workers=len(to_probe)) as pool:
            for name, result in zip(to_probe, pool.map(lambda n: probe_framework(n, python), to_probe)):
                probes[name] = result
    return tuple(
        framework_from_probe(name, distribution, version, probes.get(name))
        for name, (distribution, version) in chosen.items()
    )


# --- the whole machine ----------------------------------------------------------------------------


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
    answers = {"hardware": machine.hardware[0]}
    if machine.os.system in ("linux", "windows", "macos"):
        answers["os"] = machine.os.system
    return answers
