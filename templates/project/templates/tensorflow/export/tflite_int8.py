"""Full-integer LiteRT (.tflite) export of a Keras model: int8 weights and activations, int8 input and output
(token ids stay int32), built-in int8 kernels only, batch 1 (what microcontrollers, Coral and NPUs run).
The LiteRT interpreter runs it for the parity check, quantising the inputs and dequantising the outputs.

The format module API (export/__init__.py calls it): export(model, example, path, calibration), run(path, inputs),
signature(path), runtime(), output_scale(path), details(path), REQUIRES (pip install -e ".[export]").
"""
{% raw %}
from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

REQUIRES = ("ai_edge_litert",)


def export(model: keras.Model, example: np.ndarray, path: Path, calibration: np.ndarray) -> None:
    """Write `model` to path (model_int8.tflite), quantised with ranges measured on `calibration`."""

    def representative_dataset():  # one example at a time, as the batch-1 file will see them
        for row in calibration:
            yield [row[None].astype(example.dtype)]

    io_types = {"inference_output_type": tf.int8}
    if np.issubdtype(example.dtype, np.floating):  # token ids are not quantised: they index the embedding
        io_types["inference_input_type"] = tf.int8
    name = getattr(model.inputs[0], "name", None)
    try:
        model.export(
            str(path),
            format="litert",
            verbose=False,
            input_signature=[keras.InputSpec(shape=(1, *example.shape[1:]), dtype=str(example.dtype), name=name)],
            optimizations=[tf.lite.Optimize.DEFAULT],
            representative_dataset=representative_dataset,
            # int8 kernels only: the converter fails rather than leave an op in float or as a TensorFlow op.
            target_spec={"supported_ops": [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]},
            **io_types,
        )
    except Exception as error:  # most often an op that has no LiteRT int8 kernel
        raise RuntimeError(f"this model cannot be converted to full int8: {error}") from error
    problem = _unusable(path)
    if problem:
        path.unlink()
        raise RuntimeError(f"this model cannot be full-int8: {problem}")


def _unusable(path: Path) -> str | None:
    """Why the converted file cannot stand in for the model, or None."""
    custom = [op for op in _ops(path) if op.startswith("CUSTOM:")]
    if custom:  # a custom op needs its own kernel (or, for Flex*, the TensorFlow flex delegate) on the device
        return f"it needs ops outside LiteRT's built-in set: {custom}"
    widest = max(_interpreter(path).get_tensor_details(), key=lambda d: d["quantization"][0])
    if widest["quantization"][0] > 1e6:
        # Keras attention fills masked scores with about -2.4e38: one per-tensor scale for that range rounds
        # every real score to the same int8 value.
        return (
            f"tensor {widest['name']!r} takes a huge constant (one int8 step = {widest['quantization'][0]:.1e}; "
            "Keras attention masks padded positions with -2.4e38), so the real values in it all quantise to zero"
        )
    return None


def _interpreter(path: Path):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    try:
        interpreter = Interpreter(model_path=str(path))
        interpreter.allocate_tensors()
    except RuntimeError:  # XNNPACK refuses some int8 graphs ("failed to prepare"): LiteRT's own kernels run them
        resolver = OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
        interpreter = Interpreter(model_path=str(path), experimental_op_resolver_type=resolver)
        interpreter.allocate_tensors()
    return interpreter


def run(path: Path, inputs: np.ndarray) -> np.ndarray:
    """The file's dequantised outputs for a batch, one example at a time (the file has batch 1)."""
    interpreter = _interpreter(path)
    source, target = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    (in_scale, in_zero), (out_scale, out_zero) = source["quantization"], target["quantization"]
    if source["dtype"] == np.int8:  # float features -> int8 with the input's scale and zero point
        info = np.iinfo(np.int8)
        inputs = np.clip(np.round(inputs / in_scale + in_zero), info.min, info.max)
    outputs = []
    for row in inputs.astype(source["dtype"]):
        interpreter.set_tensor(source["index"], row[None])
        interpreter.invoke()
        outputs.append(interpreter.get_tensor(target["index"])[0])
    return (np.stack(outputs).astype(np.float32) - out_zero) * np.float32(out_scale)


def signature(path: Path) -> list[dict]:
    """The file's inputs: batch 1, int8 (or int32 token ids)."""
    return [
        {"name": d["name"], "shape": [int(n) for n in d["shape_signature"]], "dtype": np.dtype(d["dtype"]).name}
        for d in _interpreter(path).get_input_details()
    ]


def output_scale(path: Path) -> float:
    """The output tensor's quantisation step (float value of one int8 step)."""
    return float(_interpreter(path).get_output_details()[0]["quantization"][0])


def output_range(path: Path) -> tuple[float, float]:
    """The lowest and highest dequantised value the int8 output can hold."""
    scale, zero = _interpreter(path).get_output_details()[0]["quantization"]
    return (-128 - zero) * scale, (127 - zero) * scale


def _ops(path: Path) -> dict[str, int]:
    """Operator name -> version, read from the flatbuffer (a custom op as CUSTOM:<its code>)."""
    from ai_edge_litert import schema_py_generated as schema

    names = {code: name for name, code in vars(schema.BuiltinOperator).items() if not name.startswith("_")}
    model = schema.Model.GetRootAsModel(Path(path).read_bytes(), 0)
    ops = {}
    for i in range(model.OperatorCodesLength()):
        code = model.OperatorCodes(i)
        builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())  # small codes live in the deprecated field
        name = f"CUSTOM:{code.CustomCode().decode()}" if builtin == schema.BuiltinOperator.CUSTOM else names[builtin]
        ops[name] = max(ops.get(name, 0), code.Version())
    return dict(sorted(ops.items()))


def details(path: Path) -> dict:
    """The file's ops and their versions (what an Edge TPU compiler or a microcontroller op resolver must support)."""
    return {"ops": _ops(path)}


def runtime() -> str:
    from importlib.metadata import version

    return f"LiteRT {version('ai-edge-litert')} (int8 kernels)"
{%- endraw %}
