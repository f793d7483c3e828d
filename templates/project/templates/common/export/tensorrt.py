"""TensorRT engine built from the ONNX file by NVIDIA's trtexec, which also times it.

An engine is tied to the GPU model and TensorRT version that built it: build it on the target (a Jetson
with JetPack, or the serving GPU), e.g. `trtexec --onnx=model.onnx --saveEngine=model.engine` (add `--fp16`
for half precision; here EXPORT_TENSORRT_FP16=1). The batch axis stays dynamic: 1 to MAX_BATCH, tuned for 1.

The format module API (export/__init__.py calls it): SOURCE, derive(source, path), prepare(install),
signature(path), details(path), cannot_check(), runtime(), REQUIRES.
"""
{% raw %}
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

REQUIRES = ("onnx",)  # reads the input shapes from the ONNX file
SOURCE = "onnx"
MAX_BATCH = 32
# JetPack and the TensorRT .deb packages put trtexec here, off PATH.
TRTEXEC_PLACES = ("/usr/src/tensorrt/bin/trtexec",)


def _trtexec() -> str | None:
    return shutil.which("trtexec") or next((p for p in TRTEXEC_PLACES if os.access(p, os.X_OK)), None)


def prepare(install: bool) -> str | None:
    """trtexec comes with TensorRT (JetPack, NVIDIA's packages or containers): never installed from here."""
    del install
    if _trtexec():
        return None
    return (
        "trtexec not on PATH (nor in /usr/src/tensorrt/bin): it comes with NVIDIA TensorRT (JetPack on Jetson, "
        "the TensorRT packages, or the nvcr.io/nvidia/tensorrt container); on the target GPU run "
        "`trtexec --onnx=model.onnx --saveEngine=model.engine` (add `--fp16` for half precision)"
    )


def signature(path: Path) -> list[dict]:
    """The ONNX file's inputs (the engine keeps them): the engine itself needs TensorRT to read."""
    import onnx
    from onnx import helper

    source = path.with_suffix(".onnx") if path.suffix == ".engine" else path
    graph = onnx.load(str(source), load_external_data=False).graph
    initialisers = {i.name for i in graph.initializer}
    return [
        {
            "name": i.name,
            "shape": [d.dim_value if d.HasField("dim_value") else None for d in i.type.tensor_type.shape.dim],
            "dtype": helper.tensor_dtype_to_np_dtype(i.type.tensor_type.elem_type).name,
        }
        for i in graph.input
        if i.name not in initialisers
    ]


def derive(source: Path, path: Path) -> None:
    """Build the engine (fp32, or fp16 when EXPORT_TENSORRT_FP16=1); trtexec's report goes beside it (.log)."""
    shapes = {"min": [], "opt": [], "max": []}
    for item in signature(source):
        if not item["shape"] or item["shape"][0] is not None:
            continue  # a static input needs no range
        rest = item["shape"][1:]
        if None in rest:
            raise ValueError(f"{item['name']} has a dynamic axis besides the batch: TensorRT needs its range")
        for key, batch in (("min", 1), ("opt", 1), ("max", MAX_BATCH)):
            shapes[key].append(f"{item['name']}:" + "x".join(str(n) for n in [batch, *rest]))
    command = [_trtexec() or "trtexec", f"--onnx={source}", f"--saveEngine={path}"]
    command += [f"--{key}Shapes={','.join(value)}" for key, value in shapes.items()]
    if os.environ.get("EXPORT_TENSORRT_FP16") == "1":
        command.append("--fp16")
    done = subprocess.run(command, check=False, capture_output=True, text=True)
    path.with_suffix(".log").write_text(done.stdout + done.stderr)
    if done.returncode != 0 or not path.exists():
        output = (done.stdout + done.stderr).strip()[-1500:]
        raise RuntimeError(f"trtexec failed (see {path.with_suffix('.log')}): {output}")


def details(path: Path) -> dict:
    """trtexec's timing of the engine at batch 1 (its own random inputs)."""
    fp16 = os.environ.get("EXPORT_TENSORRT_FP16") == "1"
    result: dict = {"model_bytes": path.stat().st_size, "precision": "fp16" if fp16 else "fp32"}
    log = path.with_suffix(".log")
    text = log.read_text() if log.exists() else ""
    patterns = {
        "throughput_qps": r"Throughput: ([\d.]+) qps",
        "gpu_compute_mean_ms": r"GPU Compute Time: .*?mean = ([\d.]+) ms",
    }
    for key, pattern in patterns.items():
        found = re.search(pattern, text)
        if found:
            result[key] = float(found.group(1))
    return result


def cannot_check() -> str:
    return (
        "parity needs TensorRT's Python runtime (tensorrt + CUDA) on the device that built the engine: "
        "run model.engine there on the validation examples and compare with model.onnx"
    )


def runtime() -> str:
    trtexec = _trtexec()
    if not trtexec:
        return "NVIDIA TensorRT (trtexec not found)"
    banner = subprocess.run([trtexec, "--help"], check=False, capture_output=True, text=True).stdout
    found = re.search(r"\[TensorRT v(\d+)\]", banner)  # v100300 is 10.3.0, v8601 is 8.6.1
    if not found:
        return "NVIDIA TensorRT (trtexec)"
    n = int(found.group(1))
    major, rest = divmod(n, 10000) if n >= 10000 else divmod(n, 1000)
    return f"NVIDIA TensorRT {major}.{rest // 100}.{rest % 100} (trtexec)"
{%- endraw %}
