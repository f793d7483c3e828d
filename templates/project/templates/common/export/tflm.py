"""TensorFlow Lite Micro: the full-int8 .tflite as a C array (model_data.cc + model_data.h) to compile into
firmware, checked with the TFLite Micro Python interpreter (the real TFLM reference kernels).

reference() runs the same flatbuffer under LiteRT's reference kernels (OpResolverType.BUILTIN_REF). The two agree
bit for bit on convolutions and pooling, but not always on FULLY_CONNECTED: TFLM rescales its int32 sums with a
fixed-point multiplier, LiteRT 2.3's reference kernel rounds the float product, so an output can differ by one
quantisation step. run() and reference() both read the model back from the C array, so a check also covers the
array itself. details() reports the tensor arena TFLM used, to size `tensor_arena` in firmware.

The format module API (export/__init__.py calls it): SOURCE, derive(source, path), run(path, inputs),
reference(path, inputs), output_scale(path), output_range(path), signature(path), details(path), runtime(),
REQUIRES.
"""
{% raw %}
from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

REQUIRES = ("tflite_micro", "ai_edge_litert")
SOURCE = "tflite_int8"


def _symbol(path: Path) -> str:
    return "g_" + re.sub(r"\W", "_", path.stem)  # model_data.cc -> g_model_data


def derive(source: Path, path: Path) -> None:
    """Write path (model_data.cc) and its header from the int8 .tflite: the `xxd -i` layout, 16-byte aligned
    because TFLM reads the flatbuffer in place."""
    data = source.read_bytes()
    name, header = _symbol(path), path.with_suffix(".h")
    guard = re.sub(r"\W", "_", header.name).upper() + "_"
    header.write_text(
        f"// {source.name} for TensorFlow Lite Micro: pass {name} to tflite::GetModel().\n"
        f"#ifndef {guard}\n#define {guard}\n\n"
        f"extern const unsigned char {name}[];\nextern const unsigned int {name}_len;\n\n#endif  // {guard}\n"
    )
    rows = ",\n  ".join(", ".join(f"0x{b:02x}" for b in data[i : i + 12]) for i in range(0, len(data), 12))
    path.write_text(
        f"// Generated from {source.name} ({len(data)} bytes); regenerate it with the export command.\n"
        f'#include "{header.name}"\n\n'
        f"alignas(16) const unsigned char {name}[] = " + "{\n  " + rows + "\n};\n"
        f"const unsigned int {name}_len = {len(data)};\n"
    )


def _model(path: Path) -> bytes:
    """The flatbuffer read back from the C array."""
    text = path.read_text()
    body = text[text.index("= {") : text.index("};")]
    data = bytes(int(h, 16) for h in re.findall(r"0x([0-9a-fA-F]{2})", body))
    length = int(re.search(r"_len = (\d+);", text).group(1))
    if len(data) != length:
        raise ValueError(f"{path}: the array holds {len(data)} bytes, its _len says {length}")
    return data


def _with_stderr(call: Callable[[], object]) -> tuple[object, str]:
    """call() with the process's stderr captured: TFLM's C++ code prints its errors and arena report there."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            result, error = call(), None
        except RuntimeError as err:
            result, error = None, err
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        tmp.seek(0)
        text = tmp.read().decode(errors="replace")
    if error is not None:
        reason = "; ".join(line.strip() for line in text.splitlines() if line.strip()) or str(error)
        raise RuntimeError(f"TFLite Micro cannot run this model: {reason}") from error
    return result, text


def _tflm(data: bytes):
    from tflite_micro import runtime

    # The arena is host memory here; details() reports what the model really used.
    interpreter, _ = _with_stderr(lambda: runtime.Interpreter.from_bytes(data, arena_size=max(16 * len(data), 1 << 20)))
    return interpreter


def _litert(data: bytes):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    interpreter = Interpreter(model_content=data, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    interpreter.allocate_tensors()
    return interpreter


def _quantise(x: np.ndarray, detail: dict) -> np.ndarray:
    dtype = np.dtype(detail["dtype"])
    if dtype.kind not in "iu" or dtype.itemsize != 1 or x.dtype.kind != "f":
        return x.astype(dtype)  # float inputs, or token ids for an int32 input
    q = detail["quantization_parameters"]
    info = np.iinfo(dtype)
    return np.clip(np.round(x / q["scales"][0] + q["zero_points"][0]), info.min, info.max).astype(dtype)


def _dequantise(y: np.ndarray, detail: dict) -> np.ndarray:
    if np.dtype(detail["dtype"]).kind == "f":
        return y.astype(np.float32)
    q = detail["quantization_parameters"]
    return ((y.astype(np.float32) - q["zero_points"][0]) * q["scales"][0]).astype(np.float32)


def _loop(inputs: np.ndarray, inp: dict, out: dict, invoke: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Run the fixed-batch model over any number of examples, padding the last chunk."""
    batch = int(inp["shape"][0])
    outputs = []
    for start in range(0, len(inputs), batch):
        chunk = inputs[start : start + batch]
        pad = batch - len(chunk)
        if pad:
            chunk = np.concatenate([chunk, np.repeat(chunk[:1], pad, axis=0)])
        outputs.append(_dequantise(invoke(_quantise(chunk, inp)), out)[: batch - pad])
    return np.concatenate(outputs)


def run(path: Path, inputs: np.ndarray) -> np.ndarray:
    """Dequantised outputs of the C array's model under the TFLite Micro interpreter."""
    interpreter = _tflm(_model(path))

    def invoke(x: np.ndarray) -> np.ndarray:
        interpreter.set_input(x, 0)
        interpreter.invoke()
        return interpreter.get_output(0)

    return _loop(inputs, interpreter.get_input_details(0), interpreter.get_output_details(0), invoke)


def reference(path: Path, inputs: np.ndarray) -> np.ndarray:
    """The same model under LiteRT's reference kernels, quantised and dequantised the same way."""
    interpreter = _litert(_model(path))
    inp, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]

    def invoke(x: np.ndarray) -> np.ndarray:
        interpreter.set_tensor(inp["index"], x)
        interpreter.invoke()
        return interpreter.get_tensor(out["index"])

    return _loop(inputs, inp, out, invoke)


def output_scale(path: Path) -> float:
    return float(_litert(_model(path)).get_output_details()[0]["quantization"][0])


def output_range(path: Path) -> tuple[float, float]:
    """The lowest and highest dequantised values the int8 output can hold (beyond them it saturates)."""
    scale, zero_point = _litert(_model(path)).get_output_details()[0]["quantization"]
    return float((-128 - zero_point) * scale), float((127 - zero_point) * scale)


def signature(path: Path) -> list[dict]:
    return [
        {
            "name": d["name"],
            "shape": [int(n) if n >= 0 else None for n in d["shape_signature"]],
            "dtype": np.dtype(d["dtype"]).name,
        }
        for d in _litert(_model(path)).get_input_details()
    ]


def details(path: Path) -> dict:
    """Model and tensor-arena bytes: the arena TFLM's recording allocator reports after one inference."""
    data = _model(path)
    interpreter = _tflm(data)
    inp = interpreter.get_input_details(0)
    interpreter.set_input(np.zeros(inp["shape"], inp["dtype"]), 0)
    _, report = _with_stderr(lambda: (interpreter.invoke(), interpreter.print_allocations()))
    arena = re.search(r"Arena allocation total (\d+) bytes", report)
    return {
        "model_bytes": len(data),
        "arena_bytes": int(arena.group(1)) if arena else None,
        # Pointers are 8 bytes on the host: a 32-bit microcontroller needs a little less. Leave some margin.
        "arena_estimate": "measured by the TFLite Micro interpreter (x86-64 host)" if arena else "not reported",
        "c_array": path.name,
    }


def files(path: Path) -> list[Path]:
    """The C array and its header."""
    return [path, path.with_suffix(".h")]


def runtime() -> str:
    import tflite_micro

    return f"TensorFlow Lite Micro {tflite_micro.__version__} (Python interpreter, reference kernels)"
{%- endraw %}
