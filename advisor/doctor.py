"""`advisor doctor`: this machine as a bug report wants it, verdicts with exact fix commands, and
optionally whether it can run a generated project's target hardware.

The install commands match the generated projects' README (templates/project/templates/*/readme_install.md)
and the caveats match rules/constraints.yaml; sources are in docs and the rules, not repeated here.
"""

import os
import re
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from advisor.detect import Machine, detect_machine
from advisor.errors import InputError

LEVELS = ("ok", "info", "warn", "error")
STYLES = {"ok": "green", "info": "cyan", "warn": "yellow", "error": "red"}
TORCH_INDEX = "https://download.pytorch.org/whl/"
ROCM_WHEEL = "rocm7.1"  # the same as the generated projects' README
TF_TPU = "pip install tensorflow-tpu -f https://storage.googleapis.com/libtpu-tf-releases/index.html"
# Wheels that each install the `tensorflow` package (tensorflow-macos and -intel are dependencies of it, not rivals).
TF_RIVALS = ("tensorflow", "tensorflow-cpu", "tensorflow-rocm", "tensorflow-tpu")
# Minimum NVIDIA driver for a CUDA major version (minor-version compatibility), from NVIDIA's CUDA
# toolkit release notes: CUDA 12.x runs on 525.60.13+ (Windows 527.41+), CUDA 13.x on 580.65.06+ (Windows 580.88+).
CUDA_DRIVER_MIN = {
    12: {"windows": (527, 41), "other": (525, 60, 13)},
    13: {"windows": (580, 88), "other": (580, 65, 6)},
}
# The smoke-test marker each target hardware's accelerator test carries in a generated project.
MARKERS = {"nvidia": "cuda", "amd": "rocm", "apple": "mps", "intel": "xpu", "tpu": "tpu"}
# The torch build (FrameworkInfo.build) that uses each target's accelerator.
TORCH_BUILDS = {"nvidia": "cuda", "amd": "rocm", "apple": "mps", "intel": "xpu", "tpu": "", "cpu": ""}
HARDWARE_LABELS = {
    "nvidia": "NVIDIA GPU", "amd": "AMD ROCm GPU", "apple": "Apple silicon GPU", "intel": "Intel GPU",
    "tpu": "Cloud TPU", "cpu": "CPU",
}
FRAMEWORK_LABELS = {"pytorch": "PyTorch", "tensorflow": "TensorFlow"}
WSL_ROUTE = (
    "wsl --install\n"
    "# then, in the WSL2 (Ubuntu) shell, in a virtual environment there:\n"
    'pip install "tensorflow[and-cuda]"'
)


@dataclass(frozen=True)
class Finding:
    level: str  # ok | info | warn | error
    message: str
    fix: str | None = None  # a command to copy, where there is one

    def to_dict(self) -> dict:
        return {"level": self.level, "message": self.message, "fix": self.fix}


@dataclass(frozen=True)
class ProjectTarget:
    path: str
    framework: str  # pytorch | tensorflow
    hardware: str
    os: str


@dataclass(frozen=True)
class ProjectCheck:
    target: ProjectTarget
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not any(f.level == "error" for f in self.findings)

    def to_dict(self) -> dict:
        return {**asdict(self.target), "ok": self.ok, "findings": [f.to_dict() for f in self.findings]}


def _version(text: str | None) -> tuple[int, ...]:
    numbers = re.findall(r"\d+", text or "")
    return tuple(int(n) for n in numbers[:3])


def _os_key(machine: Machine) -> str:
    return "windows" if machine.os.system == "windows" else "other"


# --- install commands -----------------------------------------------------------------------------


def cuda_wheel(machine: Machine) -> tuple[str, str]:
    """(PyTorch CUDA wheel variant, why). The rule, from PyTorch's CUDA support matrix (RELEASE.md):
    pre-Turing GPUs (compute capability < 7.5) exist only in cu126; a driver new enough for CUDA 13
    takes cu130; anything else cu128, the generated projects' default (Turing to Blackwell)."""
    gpus = machine.gpus_of("nvidia")
    caps = [_version(g.arch) for g in gpus if g.arch]
    if caps and min(caps) < (7, 5):
        return "cu126", "compute capability below 7.5: only PyTorch's CUDA 12.6 wheels still build for it"
    driver = _version(gpus[0].driver) if gpus else ()
    if driver and driver >= CUDA_DRIVER_MIN[13][_os_key(machine)]:
        return "cu130", f"driver {gpus[0].driver} supports CUDA 13 (cu128 works too)"
    return "cu128", "CUDA 12.8 wheels, the generated projects' default; need driver 525.60+ (Windows 527.41+)"


def torch_install(machine: Machine, hardware: str) -> str:
    if hardware == "nvidia":
        return f"pip install torch --index-url {TORCH_INDEX}{cuda_wheel(machine)[0]}"
    if hardware == "amd":
        return f"pip install torch --index-url {TORCH_INDEX}{ROCM_WHEEL}"
    if hardware == "intel":
        return f"pip install torch --index-url {TORCH_INDEX}xpu"
    if hardware == "tpu":
        return "pip install torch 'torch_xla[tpu]'"
    if hardware == "apple" or machine.os.system == "macos":
        return "pip install torch"  # the default macOS wheel is CPU + MPS; there is no cpu index for it
    return f"pip install torch --index-url {TORCH_INDEX}cpu"


def torch_replace(machine: Machine, hardware: str) -> str:
    # An installed torch of any build satisfies `pip install torch`, so pip would keep the wrong one.
    line = torch_install(machine, hardware)
    return f"pip uninstall -y torch && {line}" if machine.installed("torch") else line


def tensorflow_install(machine: Machine, hardware: str) -> str:
    system = machine.os.system
    if hardware == "nvidia":
        if system == "windows":
            return WSL_ROUTE
        return 'pip install "tensorflow[and-cuda]"' if system == "linux" else "pip install tensorflow"
    if hardware == "amd" and system == "linux":
        return "pip install tensorflow-rocm"
    if hardware == "tpu":
        return TF_TPU
    if hardware == "cpu" and system == "linux":
        return "pip install tensorflow-cpu"
    return "pip install tensorflow"


def tensorflow_replace(machine: Machine, hardware: str) -> str:
    """The install line, first removing rival TensorFlow wheels (they overwrite each other's files)."""
    line = tensorflow_install(machine, hardware)
    if line == WSL_ROUTE:
        return line
    wanted = line.split()[2].strip('"').split("[")[0]  # the distribution the line installs
    rivals = [d for d in TF_RIVALS if machine.installed(d) and d != wanted]
    return f"pip uninstall -y {' '.join(rivals)} && {line}" if rivals else line


# --- verdicts about the machine -------------------------------------------------------------------


def machine_findings(machine: Machine) -> list[Finding]:
    findings: list[Finding] = []
    nvidia, smi = machine.gpus_of("nvidia"), machine.tool("nvidia-smi")
    if nvidia:
        names = ", ".join(g.name for g in nvidia)
        findings.append(Finding("ok", f"{len(nvidia)} NVIDIA GPU(s): {names}; driver {nvidia[0].driver}"))
        driver = _version(nvidia[0].driver)
        if driver and driver < CUDA_DRIVER_MIN[12][_os_key(machine)]:
            findings.append(Finding(
                "error",
                f"NVIDIA driver {nvidia[0].driver} is too old for CUDA 12, which current PyTorch and TensorFlow "
                "wheels need: update the driver to 525.60 or newer (Windows 527.41)",
            ))
    elif smi.found:
        findings.append(Finding(
            "error",
            f"nvidia-smi is installed but failed ({smi.error}): the NVIDIA driver is not loaded or does not "
            "match its kernel module; reinstall the driver or reboot after a driver update",
        ))
    elif "nvidia" in machine.pci:
        findings.append(Finding(
            "warn", "an NVIDIA GPU is on the PCI bus but nvidia-smi is missing: install the NVIDIA driver"
        ))
    amd, rocminfo = machine.gpus_of("amd"), machine.tool("rocminfo")
    if amd:
        findings.append(Finding("ok", f"{len(amd)} AMD GPU(s) with ROCm: " + ", ".join(
            f"{g.name} ({g.arch})" if g.arch and g.arch != g.name else g.name for g in amd)))
    elif rocminfo.found:
        findings.append(Finding("warn", f"rocminfo is installed but found no usable GPU ({rocminfo.error})"))
    elif "amd" in machine.pci and machine.os.system == "linux":
        findings.append(Finding(
            "info", "an AMD display device is on the PCI bus but ROCm (rocminfo) is not installed: "
            "PyTorch's ROCm wheels need a ROCm-supported GPU and AMD's driver",
        ))
    intel = machine.gpus_of("intel")
    if intel:
        findings.append(Finding("ok", f"{len(intel)} Intel GPU(s): " + ", ".join(g.name for g in intel)))
    if machine.apple_silicon:
        findings.append(Finding("ok", "Apple silicon: PyTorch trains on its GPU through MPS"))
        if machine.os.rosetta:
            findings.append(Finding(
                "error",
                "this Python is x86_64 running under Rosetta: it cannot use MPS; install an arm64 Python "
                "(python.org universal2 installer or Homebrew) and recreate the virtual environment",
            ))
    elif machine.os.system == "macos":
        findings.append(Finding("info", "Intel Mac: neither PyTorch nor TensorFlow trains on its GPU; the CPU is used"))
    if machine.tpu:
        findings.append(Finding("ok", f"Cloud TPU VM ({machine.tpu})"))
    wsl = machine.os.wsl
    if wsl == "WSL1":
        distro = os.environ.get("WSL_DISTRO_NAME") or "<distro>"
        findings.append(Finding(
            "warn", "WSL1 has no GPU access; convert this distribution to WSL2 (run in Windows PowerShell)",
            f"wsl --set-version {distro} 2",
        ))
    elif wsl:
        findings.append(Finding(
            "info",
            f"{wsl}: the supported route for TensorFlow on an NVIDIA GPU under Windows; the Windows NVIDIA "
            "driver serves it, so do not install a Linux NVIDIA driver inside WSL",
        ))
    if machine.hardware == ("cpu",):
        findings.append(Finding("info", "no GPU or TPU found: training runs on the CPU"))
    return findings


def _rivals(machine: Machine) -> list[str]:
    return [d for d in TF_RIVALS if machine.installed(d)]


def torch_findings(machine: Machine, hardware: str) -> list[Finding]:
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
        extra = machine.installed("torch_xla") or machine.installed("torch_tpu")
        if extra:
            return [Finding("ok", f"{name} with torch_xla/torch_tpu {extra} for the TPU")]
        return [Finding(
            "warn",
            f"{name} needs torch_xla (or Google Cloud's TorchTPU: pip install torch_tpu) to use the TPU; "
            "torch_xla's future is questioned, so pin versions",
            "pip install 'torch_xla[tpu]'",
        )]
    wanted = {"nvidia": "cuda", "amd": "rocm", "apple": "mps", "intel": "xpu"}[hardware]
    if wanted in torch.sees:
        return [Finding("ok", f"{build} sees the {HARDWARE_LABELS[hardware]}" + (
            f": {', '.join(torch.devices)}" if torch.devices else ""))] + _torch_arch(machine, torch, hardware)
    if hardware == "nvidia" and (torch.build or "").startswith("cuda"):
        return [_torch_cuda_unseen(machine, build)]
    if hardware == "amd" and (torch.build or "").startswith("rocm"):
        return [Finding(
            "error", f"{build} does not see the AMD GPU: your user needs the render and video groups (log in again after)",
            "sudo usermod -aG render,video $USER",
        )]
    if hardware == "apple":
        if machine.os.rosetta:
            return [Finding("error", f"{build} cannot use MPS from an x86_64 (Rosetta) Python")]
        return [Finding("error", f"{build} does not see the Apple GPU (MPS needs macOS 12.3+)", "pip install --upgrade torch")]
    what = "the CPU-only build" if torch.build == "cpu" else f"the {torch.build} build"
    return [Finding(
        "error", f"{name} is {what}: it cannot use the {HARDWARE_LABELS[hardware]} this machine has", fix
    )]


def _torch_cuda_unseen(machine: Machine, build: str) -> Finding:
    gpus = machine.gpus_of("nvidia")
    driver = _version(gpus[0].driver) if gpus else ()
    cuda_major = (_version(build.split("cuda", 1)[1]) or (0,))[0]
    need = CUDA_DRIVER_MIN.get(cuda_major, {}).get(_os_key(machine))
    if driver and need and driver < need:
        fallback = "cu128" if cuda_major >= 13 else None
        fix = f"pip uninstall -y torch && pip install torch --index-url {TORCH_INDEX}{fallback}" if fallback else None
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


def _torch_arch(machine: Machine, torch, hardware: str) -> list[Finding]:
    """A CUDA build without kernels for this GPU sees it but fails on the first op (e.g. Blackwell on cu126)."""
    if hardware != "nvidia" or not torch.archs:
        return []
    findings = []
    for gpu in machine.gpus_of("nvidia"):
        cap = _version(gpu.arch)
        if len(cap) < 2:
            continue
        sm = f"sm_{cap[0]}{cap[1]}"
        ptx = [_version(a) for a in torch.archs if a.startswith("compute_")]
        if sm not in torch.archs and not any(p and p <= (cap[0] * 10 + cap[1],) for p in ptx):
            findings.append(Finding(
                "error", f"torch {torch.version} has no kernels for {gpu.name} ({sm}; built for {' '.join(torch.archs)})",
                torch_replace(machine, "nvidia"),
            ))
    return findings


def tensorflow_findings(machine: Machine, hardware: str) -> list[Finding]:
    """Is TensorFlow installed, and can it use `hardware`? Consistent with rules/constraints.yaml."""
    tf = machine.framework("tensorflow")
    system = machine.os.system
    fix = tensorflow_replace(machine, hardware)
    findings: list[Finding] = []
    rivals = _rivals(machine)
    if len(rivals) > 1:
        findings.append(Finding(
            "warn", f"{' and '.join(rivals)} are installed together: rival wheels of one package that overwrite each other",
            f"pip uninstall -y {' '.join(rivals)} && {tensorflow_install(machine, hardware)}",
        ))
    if system == "macos":
        if machine.installed("tensorflow-metal"):
            findings.append(Finding(
                "warn", "tensorflow-metal is installed: it broke with TensorFlow 2.18 and can stop TensorFlow importing",
                "pip uninstall -y tensorflow-metal",
            ))
        findings.append(Finding(
            "warn" if hardware == "apple" else "info",
            "TensorFlow has no official GPU support on macOS: it trains on the CPU here; for the Apple GPU use "
            "PyTorch (MPS) or Keras 3 on the PyTorch or JAX backend",
        ))
    if tf is None:
        return findings + [Finding("info", f"TensorFlow is not installed; for this machine ({hardware})", fix)]
    name = f"TensorFlow {tf.version} ({tf.distribution})"
    if tf.error:
        return findings + [Finding("error", f"{name} is installed but its check failed: {tf.error}", fix)]
    if not tf.probed:
        return findings + [Finding("info", f"{name} is installed (not checked)")]
    sees = "gpu" in tf.sees
    if hardware == "nvidia":
        if system == "windows":
            findings.append(Finding(
                "error",
                f"{name} cannot use the NVIDIA GPU on native Windows: TensorFlow 2.10 was the last release with "
                "native-Windows GPU support; use it inside WSL2",
                WSL_ROUTE,
            ))
        elif sees:
            findings.append(Finding("ok", f"{name} sees the NVIDIA GPU: {', '.join(tf.devices)}"))
        elif tf.distribution == "tensorflow-cpu":
            findings.append(Finding(
                "error", f"{name} is the CPU-only TensorFlow wheel: it cannot use the NVIDIA GPU", fix
            ))
        else:
            findings.append(Finding(
                "error", f"{name} does not see the NVIDIA GPU (its CUDA libraries come with the [and-cuda] extra)", fix
            ))
        if any(_version(g.arch) >= (10,) for g in machine.gpus_of("nvidia") if g.arch):
            findings.append(Finding(
                "warn", "official TensorFlow wheels fail on Blackwell GPUs (sm_100/sm_120): use NVIDIA's TensorFlow "
                "container there, or PyTorch's cu128+ wheels",
            ))
    elif hardware == "amd":
        instinct = any("instinct" in g.name.lower() or (g.arch or "").startswith(("gfx90", "gfx94", "gfx95"))
                       for g in machine.gpus_of("amd"))
        if sees:
            findings.append(Finding("ok", f"{name} sees the AMD GPU"))
        elif instinct and system == "linux":
            findings.append(Finding("error", f"{name} does not see the AMD Instinct GPU: it needs AMD's tensorflow-rocm", fix))
        else:
            findings.append(Finding(
                "warn", f"{name} trains on the CPU: tensorflow-rocm (AMD-built, lagging) supports Instinct GPUs on Linux only"
            ))
    elif hardware == "intel":
        findings.append(Finding(
            "warn", f"{name} trains on the CPU: Intel Extension for TensorFlow (the Intel GPU path) is end-of-life; "
            "for the Intel GPU use PyTorch (XPU)",
        ))
    elif hardware == "tpu":
        if machine.installed("tensorflow-tpu"):
            findings.append(Finding("ok", f"{name} with tensorflow-tpu; Keras steers TPU users to its JAX backend"))
        else:
            findings.append(Finding("warn", f"{name} needs the tensorflow-tpu wheel to use the TPU", fix))
    elif hardware == "cpu" or system == "macos":
        findings.append(Finding("ok", f"{name} runs on the CPU"))
    return findings


def diagnose(machine: Machine) -> list[Finding]:
    """Every verdict for this machine, against its best accelerator."""
    hardware = machine.hardware[0]
    return machine_findings(machine) + torch_findings(machine, hardware) + tensorflow_findings(machine, hardware)


# --- a generated project --------------------------------------------------------------------------


def _framework_of(directory: Path, answers: dict) -> str | None:
    """The framework a project was generated with: its dependencies, else DECISION.md, else its answers."""
    try:
        data = tomllib.loads((directory / "pyproject.toml").read_text(encoding="utf-8"))
        dependencies = data.get("project", {}).get("dependencies", [])
        names = {re.split(r"[\s\[<>=!~;]", str(d), maxsplit=1)[0].lower() for d in dependencies}
        if "torch" in names:
            return "pytorch"
        if names & {"keras", "tensorflow", "tensorflow-cpu"}:
            return "tensorflow"
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
        pass
    try:
        match = re.search(r"Framework used: \*\*(\w+)\*\*", (directory / "docs/DECISION.md").read_text(encoding="utf-8"))
        if match and match.group(1) in FRAMEWORK_LABELS:
            return match.group(1)
    except (OSError, UnicodeDecodeError):
        pass
    framework = str(answers.get("framework", "")).strip().lower()
    return framework if framework in FRAMEWORK_LABELS else None


def read_project(directory: Path) -> ProjectTarget:
    """The project's framework and target hardware/OS; InputError naming DIR when it is not a generated project."""
    from advisor.questions import load_questionnaire
    from advisor.resources import rules_dir

    if not directory.is_dir():
        raise InputError(f"DIR: {directory} is not a directory")
    answers_file = directory / ".advisor" / "answers.yaml"
    try:
        data = yaml.safe_load(answers_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"DIR: {directory} is not a generated project (no .advisor/answers.yaml)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"DIR: cannot read {answers_file}: {getattr(error, 'strerror', None) or error}") from None
    except yaml.YAMLError:
        raise InputError(f"DIR: {answers_file} is not valid YAML") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(f"DIR: {answers_file} must be a mapping of question ids to answers")
    questionnaire = load_questionnaire(rules_dir())
    target = {}
    for key in ("hardware", "os"):
        question = questionnaire.get(key)
        try:
            target[key] = question.validate(data[key]) if key in data else question.default
        except InputError as error:
            raise InputError(f"DIR: {answers_file}: {error}") from None
    framework = _framework_of(directory, data)
    if framework is None:
        raise InputError(f"DIR: cannot tell {directory}'s framework (no torch or keras in pyproject.toml dependencies)")
    return ProjectTarget(str(directory), framework, target["hardware"], target["os"])


def check_project(machine: Machine, target: ProjectTarget) -> ProjectCheck:
    """Can this machine run the project's target? Error-level findings mean its smoke tests will fail here."""
    findings: list[Finding] = []
    hardware, label = target.hardware, HARDWARE_LABELS[target.hardware]
    # TensorFlow has no Apple or Intel GPU path: such projects train on the CPU and their device test skips.
    cpu_anyway = target.framework == "tensorflow" and hardware in ("apple", "intel")
    present = hardware in machine.hardware
    if hardware == "cpu":
        findings.append(Finding("ok", "project targets the CPU: any machine can run it"))
    elif present:
        findings.append(Finding("ok", f"project targets {hardware}: {label} found on this machine"))
    else:
        findings.append(Finding(
            "warn" if cpu_anyway else "error",
            f"project targets {hardware}; no {label} found{_why_missing(machine, hardware)}: "
            + ("TensorFlow trains on the CPU there anyway" if cpu_anyway
               else f"its {MARKERS[hardware]} smoke test will fail on this machine"),
        ))
    system = machine.os.system
    if target.os != system:
        wsl_for_windows = target.os == "windows" and machine.os.wsl
        findings.append(Finding(
            "info" if wsl_for_windows else "warn",
            f"project targets {target.os}; this machine runs {machine.os.wsl or system}"
            + (" (Linux inside Windows: the recommended route for TensorFlow's GPU)" if wsl_for_windows else ""),
        ))
    module = "torch" if target.framework == "pytorch" else "tensorflow"
    framework_label = FRAMEWORK_LABELS[target.framework]
    if machine.framework(module) is None:
        line = torch_install(machine, hardware) if module == "torch" else tensorflow_install(machine, hardware)
        findings.append(Finding(
            "error", f"the project's framework ({framework_label}) is not installed in this Python: its smoke tests cannot run",
            line,
        ))
    elif present or hardware == "cpu":
        verdicts = torch_findings(machine, hardware) if module == "torch" else tensorflow_findings(machine, hardware)
        findings.extend(f for f in verdicts if f.level != "info" or f.fix)
    elif module == "torch" and not (machine.framework("torch").build or "").startswith(TORCH_BUILDS[hardware]):
        # Worth knowing before moving to the target machine: this build would not use its accelerator.
        findings.append(Finding(
            "info", f"torch {machine.framework('torch').version} here is not a {hardware} build; on the target machine:",
            torch_install(machine, hardware),
        ))
    return ProjectCheck(target, tuple(findings))


def _why_missing(machine: Machine, hardware: str) -> str:
    tool = {"nvidia": "nvidia-smi", "amd": "rocminfo", "intel": "xpu-smi"}.get(hardware)
    if tool is None:
        return f" (this is {machine.os.name}, {machine.os.machine})" if hardware == "apple" else ""
    status = machine.tool(tool)
    if not status.found:
        return f" ({tool} not found)"
    return f" ({tool} failed: {status.error})" if status.error else ""


# --- output ---------------------------------------------------------------------------------------


def doctor_dict(machine: Machine, findings: list[Finding], project: ProjectCheck | None) -> dict:
    from advisor.detect import suggested_answers

    facts = asdict(machine)
    facts.pop("frameworks")
    facts.pop("distributions")
    facts["tools"] = [{**asdict(t), "found": t.found, "ok": t.ok} for t in machine.tools]
    facts["hardware"] = list(machine.hardware)
    return {
        "machine": facts,
        "suggested_answers": suggested_answers(machine),
        "distributions": dict(machine.distributions),
        "frameworks": [asdict(f) for f in machine.frameworks],
        "findings": [f.to_dict() for f in findings],
        "project": project.to_dict() if project else None,
    }


def _machine_rows(machine: Machine) -> list[tuple[str, str]]:
    os_info = machine.os
    system = f"{os_info.name} ({os_info.version}, {os_info.machine})" + (f", {os_info.wsl}" if os_info.wsl else "")
    rows = [
        ("OS", system + (", Rosetta" if os_info.rosetta else "")),
        ("Python", f"{machine.python.version} {machine.python.implementation} ({machine.python.executable})"),
        ("CPU", f"{machine.cpu.model}, {machine.cpu.cores or '?'} logical cores"),
    ]
    for vendor, tool in (("nvidia", "nvidia-smi"), ("amd", "rocminfo"), ("intel", "xpu-smi")):
        gpus, status = machine.gpus_of(vendor), machine.tool(tool)
        if gpus:
            text = "; ".join(
                g.name + "".join(f", {k} {v}" for k, v in (("driver", g.driver), ("arch", g.arch)) if v)
                + (f", {g.memory_mib} MiB" if g.memory_mib else "")
                for g in gpus
            )
        elif status.found:
            text = f"none ({tool} failed: {status.error})"
        else:
            text = f"none ({tool} not found)"
        rows.append((HARDWARE_LABELS[vendor], text))
    rows.append(("Apple silicon", "yes (MPS)" if machine.apple_silicon else "no"))
    rows.append(("TPU", machine.tpu or "no"))
    for framework in machine.frameworks:
        text = f"{framework.version} ({framework.distribution})"
        if framework.error:
            text += f", check failed: {framework.error}"
        elif framework.probed:
            text += f", {framework.build or 'build ?'} build" if framework.build else ""
            text += ", sees " + ", ".join(framework.sees) if framework.sees else ", no accelerator"
        rows.append((framework.name, text))
    if not machine.frameworks:
        rows.append(("frameworks", "none installed (torch, tensorflow, keras, jax)"))
    return rows


def _print_findings(console, findings) -> None:
    from rich.table import Table
    from rich.text import Text

    for finding in findings:
        row = Table.grid(padding=(0, 1))  # a hanging indent: wrapped messages stay clear of the level
        row.add_column(width=7, justify="right")
        row.add_column()
        style = STYLES[finding.level]
        row.add_row(Text(finding.level.upper(), style=f"bold {style}"), Text(finding.message, style="" if finding.level == "ok" else style))
        console.print(row)
        if finding.fix:
            # Plain, unwrapped and unhighlighted, so it can be copied into a shell as is.
            for command in finding.fix.splitlines():
                console.print(f"        {command}", markup=False, highlight=False, soft_wrap=True)


def print_doctor(machine: Machine, findings: list[Finding], project: ProjectCheck | None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title="advisor doctor", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for key, value in _machine_rows(machine):
        table.add_row(key, value)
    console.print(table)
    console.print("[bold]Findings[/bold]")
    _print_findings(console, findings)
    if project is not None:
        target = project.target
        console.print(
            f"\n[bold]Project[/bold] {target.path}: {FRAMEWORK_LABELS[target.framework]}, "
            f"targets {target.hardware} on {target.os}",
            highlight=False,
        )
        _print_findings(console, project.findings)
        verdict = "[green]this machine can run it[/green]" if project.ok else "[red]this machine cannot run it as it is[/red]"
        console.print(f"  {verdict}")


def run_doctor(directory: Path | None, as_json: bool = False, python: str | None = None) -> int:
    """Detect, judge and print; returns the exit code.

    0 normally, even when the machine has problems: doctor is a report, and its findings say what to fix.
    1 only for `doctor DIR` when a project finding is an error: this machine cannot run the project's
    target as it is (its smoke tests would fail). A bad DIR raises InputError (exit 2), before any probing.
    """
    target = read_project(Path(directory)) if directory is not None else None
    machine = detect_machine(probe_frameworks=True, python=python)
    findings = diagnose(machine)
    project = check_project(machine, target) if target is not None else None
    if as_json:
        import json

        print(json.dumps(doctor_dict(machine, findings, project), indent=2))
    else:
        print_doctor(machine, findings, project)
    return 1 if project is not None and not project.ok else 0
