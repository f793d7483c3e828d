"""Coral Edge TPU: the full-int8 .tflite compiled by Google's edgetpu_compiler, plus a static precheck of what
the compiler needs (every tensor int8, static shapes, batch 1, ops the Edge TPU supports).

The compiled model runs only on a Coral device (pycoral + libedgetpu): there is no parity check here. On a
Coral, operations the compiler could not map run on the host CPU, so a model that fails the precheck still
runs, only slower. The compiler is x86-64 Linux only and frozen at version 16; newer TFLite op versions
can be rejected (google-coral/edgetpu#631, #845, libedgetpu#71).

The format module API (export/__init__.py calls it): SOURCE, derive(source, path), prepare(install),
signature(path), details(path), cannot_check(), runtime(), REQUIRES; precheck(source) works without the compiler.
"""
{% raw %}
from __future__ import annotations

import platform
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

REQUIRES = ("ai_edge_litert",)  # its flatbuffer schema reads the model for the precheck
SOURCE = "tflite_int8"
COMPILER = "edgetpu_compiler"

# TFLite builtin ops the Edge TPU runs (https://coral.ai/docs/edgetpu/models-intro/#supported-operations);
# each has limits on shapes and axes that only the compiler checks.
_OPS = """ADD AVERAGE_POOL_2D CONCATENATION CONV_2D DEPTHWISE_CONV_2D EXPAND_DIMS FULLY_CONNECTED L2_NORMALIZATION
LOGISTIC LSTM UNIDIRECTIONAL_SEQUENCE_LSTM MAXIMUM MAX_POOL_2D MEAN MINIMUM MUL PACK PAD PRELU QUANTIZE REDUCE_MAX
REDUCE_MIN RELU RELU6 RELU_N1_TO_1 RESHAPE RESIZE_BILINEAR RESIZE_NEAREST_NEIGHBOR RSQRT SLICE SOFTMAX SPACE_TO_DEPTH
SPLIT SQUARED_DIFFERENCE SQUEEZE STRIDED_SLICE SUB SUM TANH TRANSPOSE TRANSPOSE_CONV"""
EDGETPU_OPS = frozenset(_OPS.split())
# Op versions compiler 16 was reported to reject (the issues above): newer converters write these.
REJECTED_VERSIONS = {"CONV_2D": 6, "TRANSPOSE_CONV": 4, "EXP": 2}


def prepare(install: bool) -> str | None:
    """The compiler comes from an apt repository (root, x86-64 only): never installed from here."""
    del install
    if shutil.which(COMPILER):
        return None
    if platform.system() != "Linux" or platform.machine() not in ("x86_64", "AMD64"):
        return (
            f"{COMPILER} runs only on x86-64 Linux (this is {platform.system()} {platform.machine()}): "
            "compile the int8 model with Coral's Colab web compiler (https://coral.ai/docs/edgetpu/compiler/)"
        )
    return (
        f"{COMPILER} not on PATH: on x86-64 Debian/Ubuntu add Google's Coral apt repository "
        "(deb https://packages.cloud.google.com/apt coral-edgetpu-stable main) and run "
        "`sudo apt-get install edgetpu-compiler` (https://coral.ai/docs/edgetpu/compiler/); "
        "or use Coral's Colab web compiler"
    )


def derive(source: Path, path: Path) -> None:
    """Compile source into path; the compiler's report (which ops run on the TPU) goes beside it (.log)."""
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run([COMPILER, "-s", "-o", tmp, str(source)], check=False, capture_output=True, text=True)
        compiled = Path(tmp) / f"{source.stem}_edgetpu.tflite"
        if done.returncode != 0 or not compiled.exists():
            raise RuntimeError(f"{COMPILER} failed: {(done.stdout + done.stderr).strip()[-1500:]}")
        shutil.move(compiled, path)
        path.with_suffix(".log").write_text(done.stdout)


def _model(path: Path):
    from ai_edge_litert import schema_py_generated as schema

    return schema, schema.Model.GetRootAsModel(path.read_bytes(), 0)


def _names(enum: type) -> dict[int, str]:
    return {v: k for k, v in vars(enum).items() if not k.startswith("_")}


def precheck(source: Path) -> list[str]:
    """What would keep the compiler from mapping the whole model to the Edge TPU (empty: nothing found)."""
    schema, model = _model(source)
    ops, types = _names(schema.BuiltinOperator), _names(schema.TensorType)
    problems = []
    if model.SubgraphsLength() != 1:
        problems.append(f"{model.SubgraphsLength()} subgraphs: the compiler maps one")
    graph = model.Subgraphs(0)
    for i in range(graph.InputsLength()):
        tensor = graph.Tensors(graph.Inputs(i))
        shape, spec = tensor.ShapeAsNumpy(), tensor.ShapeSignatureAsNumpy()
        if isinstance(spec, np.ndarray) and (spec < 0).any():
            problems.append(f"input {tensor.Name().decode()} has a dynamic shape {spec.tolist()}: export it static")
        if len(shape) and shape[0] != 1:
            problems.append(f"input {tensor.Name().decode()} has batch {shape[0]}: the Edge TPU runs batch 1")
    floats = {}
    for i in range(graph.TensorsLength()):
        kind = types.get(graph.Tensors(i).Type(), "?")
        if kind not in ("INT8", "UINT8", "INT32"):  # int32: biases and shape operands
            floats[kind] = floats.get(kind, 0) + 1
    problems += [f"{n} {kind.lower()} tensors: the Edge TPU computes in int8 only" for kind, n in floats.items()]
    unsupported, versions = {}, set()
    for i in range(graph.OperatorsLength()):
        code = model.OperatorCodes(graph.Operators(i).OpcodeIndex())
        name = ops.get(max(code.BuiltinCode(), code.DeprecatedBuiltinCode()), "CUSTOM")
        if name not in EDGETPU_OPS:
            unsupported[name] = unsupported.get(name, 0) + 1
        if code.Version() >= REJECTED_VERSIONS.get(name, 1 << 30):
            versions.add(f"{name} v{code.Version()}")
    if unsupported:
        listed = ", ".join(f"{name} x{n}" for name, n in sorted(unsupported.items()))
        problems.append(f"ops the Edge TPU does not run (the CPU takes them and everything after): {listed}")
    if versions:
        problems.append(f"op versions compiler 16 is known to reject: {', '.join(sorted(versions))}")
    return problems


def signature(path: Path) -> list[dict]:
    schema, model = _model(path)
    types, graph = _names(schema.TensorType), model.Subgraphs(0)
    tensors = [graph.Tensors(graph.Inputs(i)) for i in range(graph.InputsLength())]
    return [
        {"name": t.Name().decode(), "shape": [int(n) for n in t.ShapeAsNumpy()], "dtype": types[t.Type()].lower()}
        for t in tensors
    ]


def details(path: Path) -> dict:
    """The precheck of the int8 source (the compiler names its output <source stem>_edgetpu.tflite) and the
    compiler's count of operations on the TPU and on the CPU."""
    result: dict = {"model_bytes": path.stat().st_size}
    source = path.with_name(path.name.replace("_edgetpu", ""))
    if source.exists():
        result["precheck"] = precheck(source)
    log = path.with_suffix(".log")
    if log.exists():
        text = log.read_text()
        patterns = {"ops_on_edgetpu": r"will run on Edge TPU: (\d+)", "ops_on_cpu": r"will run on CPU: (\d+)"}
        for key, pattern in patterns.items():
            found = re.search(pattern, text)
            if found:
                result[key] = int(found.group(1))
    return result


def cannot_check() -> str:
    return "runs only on a Coral Edge TPU (pycoral + libedgetpu): run the compiled model there to check it"


def runtime() -> str:
    if not shutil.which(COMPILER):
        return "Coral Edge TPU (libedgetpu)"
    version = subprocess.run([COMPILER, "--version"], check=False, capture_output=True, text=True).stdout.strip()
    return f"Coral Edge TPU (libedgetpu); {version or COMPILER}"
{%- endraw %}
