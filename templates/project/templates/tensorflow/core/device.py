"""Where TensorFlow runs: the generated target, what this machine offers, and the fix for a gap.

TensorFlow's accelerator paths (late 2026) are narrower than its CPU support:
- NVIDIA: Linux wheels with `pip install "tensorflow[and-cuda]"`; native-Windows GPU ended with
  TF 2.10, so Windows trains on the GPU through WSL2.
- AMD: `tensorflow-rocm` is built by AMD, lags upstream and supports Instinct GPUs only.
- Apple: no official macOS GPU build (tensorflow-metal broke with TF 2.18): the CPU is used.
- Intel GPU: Intel Extension for TensorFlow is end-of-life: the CPU is used.
- TPU: TPUClusterResolver + TPUStrategy on Cloud TPU VMs.

Keras' backend: `train` and `evaluate` run on the TensorFlow backend (the default) and on the JAX backend
(KERAS_BACKEND=jax: JAX places the model, TensorFlow only feeds the tf.data input); `export` needs the
TensorFlow backend (require_backend says so in one line). README.md, "The JAX backend".
"""
{% raw %}
from __future__ import annotations

import contextlib
import json
import os
import platform
import warnings
from dataclasses import dataclass

import tensorflow as tf
{% endraw %}
TARGET_HARDWARE = "{{ cookiecutter.hardware }}"
SCALE = "{{ cookiecutter.scale }}"

# How to install TensorFlow for each hardware target on Linux, where its GPU builds are (advisor's catalogue;
# README.md, Install, has the command for this project's OS).
INSTALL = {
{%- for hardware in catalog.hardware %}
    "{{ hardware }}": {{ install("tensorflow", hardware, "linux")|py_str }},
{%- endfor %}
}

# Targets where TensorFlow has no supported accelerator: training uses the CPU, and this says why.
CPU_ONLY_REASON = {
{%- for hardware, entry in catalog.install.tensorflow.items() if entry.get("accelerated", true) is false %}
    "{{ hardware }}": {{ entry.note|py_str }},
{%- endfor %}
}
{% raw %}
EXPECTED = {
    "cpu": "CPU",
    "nvidia": "an NVIDIA GPU visible to TensorFlow (CUDA build)",
    "amd": "an AMD Instinct GPU visible to TensorFlow (ROCm build)",
    "apple": "an Apple GPU",
    "intel": "an Intel GPU",
    "tpu": "a Cloud TPU",
}

TPU_INSTALL = f"run on a Cloud TPU VM created with a tpu-vm-tf-* runtime, or there: {INSTALL['tpu']}"

# ---------------------------------------------------------------- Keras backends
BACKENDS = ("tensorflow", "jax")  # what train and evaluate run on; export needs "tensorflow"
# JAX for each accelerator target (https://docs.jax.dev/en/latest/installation.html).
JAX_INSTALL = {
    "tpu": 'pip install -U "jax[tpu]"',
    "nvidia": 'pip install -U "jax[cuda12]"',
    "amd": "JAX's ROCm build (https://docs.jax.dev/en/latest/installation.html)",
}


EXPORT_WHY = "the exporters call TensorFlow: SavedModel, tf.function signatures, the TensorFlow-based converters"
EXPORT_THEN = "checkpoints trained on KERAS_BACKEND=jax load there"


def backend() -> str:
    """Keras' backend in this process: KERAS_BACKEND, else ~/.keras/keras.json, else tensorflow."""
    import keras

    return keras.config.backend()


def require_backend(command: str, allowed: tuple[str, ...] = BACKENDS, why: str = "", then: str = "") -> str:
    """This process's Keras backend if `command` runs on it; else ValueError, one line: why, and what to set."""
    name = backend()
    if name in allowed:
        return name
    unset = " (or unset it)" if allowed[0] == "tensorflow" else ""
    raise ValueError(
        f"KERAS_BACKEND={name}: {command} needs Keras' {' or '.join(allowed)} backend"
        + (f" ({why})" if why else "")
        + f"; run it with KERAS_BACKEND={allowed[0]}{unset}"
        + (f": {then}" if then else "")
    )


@dataclass(frozen=True)
class Device:
    kind: str  # "gpu", "tpu" or "cpu"
    name: str  # TensorFlow device string, e.g. "/GPU:0"; on the JAX backend "jax:<kind>"
    note: str = ""


@dataclass(frozen=True)
class AcceleratorStatus:
    expected: str
    found: str
    available: bool
    fix: str

    def message(self) -> str:
        return f"expected {self.expected}; found {self.found}; likely fix: {self.fix}"


def _gpus() -> list:
    return tf.config.list_physical_devices("GPU")


def _build() -> str:
    info = tf.sysconfig.get_build_info()
    if info.get("is_rocm_build"):
        return "ROCm"
    return "CUDA" if info.get("is_cuda_build") else "CPU-only"


def tpu_resolver():
    """A TPUClusterResolver, or None off TPU hosts.

    Cheap checks come first: off Google Cloud the resolver would wait on the metadata server.
    """
    on_tpu_vm = os.path.exists("/dev/accel0") or os.path.exists("/dev/vfio/0")
    if not (on_tpu_vm or os.environ.get("TPU_NAME")):
        return None
    try:
        return tf.distribute.cluster_resolver.TPUClusterResolver(tpu=os.environ.get("TPU_NAME", "local"))
    except (ValueError, RuntimeError):
        return None


def _found() -> str:
    gpus = _gpus()
    if gpus:
        names = ", ".join(g.name for g in gpus)
        return f"{len(gpus)} GPU(s) ({names}; TensorFlow {tf.__version__}, {_build()} build)"
    return f"no GPU (TensorFlow {tf.__version__}, {_build()} build)"


def _gpu_fix(target: str) -> str:
    system = platform.system()
    if target == "amd":
        return (
            "on Linux with ROCm: pip uninstall -y tensorflow tensorflow-cpu && pip install tensorflow-rocm "
            "(AMD-built, Instinct GPUs only), or use AMD's rocm/tensorflow Docker image"
        )
    if system == "Windows":
        return (
            "TensorFlow 2.11+ has no native-Windows GPU build: run `wsl --install`, then inside WSL2 "
            f"Ubuntu: {INSTALL['nvidia']}"
        )
    if system == "Darwin":
        return "TensorFlow has no macOS GPU build: train on a Linux machine with an NVIDIA GPU"
    if _build() == "CUDA":
        return "the CUDA build sees no GPU: check that `nvidia-smi` lists one (NVIDIA driver installed)"
    return f"pip uninstall -y tensorflow-cpu && {INSTALL['nvidia']}"


def accelerator_status(target: str = TARGET_HARDWARE) -> AcceleratorStatus:
    """Is the accelerator this project was generated for usable here? If not, how to fix it."""
    expected = EXPECTED.get(target, target)
    if target == "cpu":
        return AcceleratorStatus(expected, "CPU", True, "")
    if target in CPU_ONLY_REASON:
        reason = CPU_ONLY_REASON[target]
        return AcceleratorStatus(expected, f"only the CPU ({reason})", False, "none: train on the CPU")
    if target == "tpu":
        found = tpu_resolver() is not None
        return AcceleratorStatus(expected, "a TPU" if found else "no TPU on this host", found, TPU_INSTALL)
    wanted_build = "ROCm" if target == "amd" else "CUDA"
    available = bool(_gpus()) and _build() == wanted_build
    return AcceleratorStatus(expected, _found(), available, "" if available else _gpu_fix(target))


# config `device` values (shared with the PyTorch template) -> hardware targets.
ALIASES = {"cuda": "nvidia", "rocm": "amd", "mps": "apple", "xpu": "intel", "tpu": "tpu", "cpu": "cpu"}


def select_device(preference: str = "auto") -> Device:
    """The device to train on.

    "auto" follows TARGET_HARDWARE and falls back to the CPU with a warning. An explicit accelerator
    ("cuda", "rocm", "tpu", ...) that is missing raises instead, so a GPU job never runs on the CPU
    unnoticed.
    """
    if preference != "auto" and preference not in ALIASES:
        raise ValueError(f"unknown device {preference!r}; use auto or one of {sorted(ALIASES)}")
    target = TARGET_HARDWARE if preference == "auto" else ALIASES[preference]
    if require_backend("this project") == "jax":
        return _jax_device(preference, target)
    if target == "cpu":
        return Device("cpu", "/CPU:0")
    status = accelerator_status(target)
    if status.available:
        return Device("tpu", "/TPU:0") if target == "tpu" else Device("gpu", "/GPU:0")
    if preference != "auto":
        raise RuntimeError(f"device {preference!r} is not usable: {status.message()}")
    note = f"training on the CPU: {status.message()}"
    warnings.warn(note, stacklevel=2)
    return Device("cpu", "/CPU:0", note)


def _jax_device(preference: str, target: str) -> Device:
    """select_device on the JAX backend: the accelerator is the one JAX runs on (jax.default_backend())."""
    import jax

    if target not in JAX_INSTALL:  # the CPU, and targets JAX has no accelerator for in this project
        note = "" if target == "cpu" else f"training on the CPU: JAX has no {EXPECTED.get(target, target)} path here"
        if note and preference != "auto":
            raise RuntimeError(f"device {preference!r} is not usable: {note}")
        if note:
            warnings.warn(note, stacklevel=3)
        return Device("cpu", "jax:cpu", note)
    wanted = "tpu" if target == "tpu" else "gpu"
    found = jax.default_backend()
    if found == wanted:
        return Device(wanted, f"jax:{wanted}")
    message = (
        f"expected {EXPECTED[target]} visible to JAX; found JAX on {found} (jax {jax.__version__}); "
        f"likely fix: {JAX_INSTALL[target]}"
    )
    if preference != "auto":
        raise RuntimeError(f"device {preference!r} is not usable: {message}")
    note = f"training on the CPU: {message}"
    warnings.warn(note, stacklevel=3)
    return Device("cpu", "jax:cpu", note)


def placement(device: Device | None):
    """A context that places TensorFlow work on the device (TensorFlow backend); nothing to do on JAX."""
    if device is None or device.name.startswith("jax:"):
        return contextlib.nullcontext()
    return tf.device(device.name)


class JaxStrategy:
    """What train needs of a tf.distribute strategy, on Keras' JAX backend: every local device of the chosen
    kind (TPU cores, GPUs) trains data-parallel through keras.distribution.DataParallel, the batch split
    between them; scope() has nothing to do. A model too large for one device needs
    keras.distribution.ModelParallel instead (README.md, "The JAX backend")."""

    def __init__(self, device: Device):
        import jax
        import keras

        with contextlib.suppress(RuntimeError):  # TensorFlow already set up its devices: leave them
            # TensorFlow only feeds tf.data here: keep it off the GPUs JAX trains on.
            tf.config.set_visible_devices([], "GPU")
        self.devices = jax.devices(device.kind)
        if device.kind == "cpu" and jax.default_backend() != "cpu":
            jax.config.update("jax_default_device", self.devices[0])
        self.num_replicas_in_sync = len(self.devices)
        if len(self.devices) > 1:
            keras.distribution.set_distribution(keras.distribution.DataParallel(devices=self.devices))

    def scope(self):
        return contextlib.nullcontext()


def is_chief() -> bool:
    """True unless TF_CONFIG names this process a non-chief worker of a multi-worker job."""
    config = json.loads(os.environ.get("TF_CONFIG", "{}"))
    task = config.get("task", {})
    if task.get("type", "chief") == "chief":
        return True
    # Without a "chief" entry, worker 0 plays the chief (TensorFlow's convention).
    return task["type"] == "worker" and task.get("index") == 0 and "chief" not in config.get("cluster", {})


def make_strategy(device: Device, scale: str = SCALE) -> tf.distribute.Strategy | JaxStrategy:
    """The tf.distribute strategy for this device and scale; create it before any other TF work. On the JAX
    backend, a JaxStrategy (keras.distribution over JAX's devices)."""
    if backend() == "jax":
        if "TF_CONFIG" in os.environ:
            raise ValueError(
                "TF_CONFIG names a multi-worker TensorFlow job, which needs KERAS_BACKEND=tensorflow; on "
                "KERAS_BACKEND=jax one process trains over its host's devices (README.md, \"The JAX backend\")"
            )
        return JaxStrategy(device)
    if device.kind == "tpu":
        resolver = tpu_resolver()
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
        return tf.distribute.TPUStrategy(resolver)
    if scale == "multi-node" and "TF_CONFIG" in os.environ:
        # TF_CONFIG lists the workers (a multi-node project's launch_multi_node.sbatch writes one per task);
        # each worker mirrors over its local GPUs.
        return tf.distribute.MultiWorkerMirroredStrategy()
    if scale in ("multi-gpu", "multi-node"):
        # One machine: mirror over every local device of the chosen kind (every GPU, or every
        # logical CPU in the distributed test).
        kind = "GPU" if device.kind == "gpu" else "CPU"
        return tf.distribute.MirroredStrategy([d.name for d in tf.config.list_logical_devices(kind)])
    return tf.distribute.OneDeviceStrategy(device.name)
{%- endraw %}
