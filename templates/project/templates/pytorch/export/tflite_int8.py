"""Full-int8 LiteRT (.tflite) of a PyTorch model: PT2E post-training quantisation (litert-torch's quantizer,
calibrated on training examples), int8 weights and activations, int8 input and output: what microcontrollers
(TFLite Micro), the Coral Edge TPU and NPUs run. The parity check runs it with ai-edge-litert's interpreter,
quantising the inputs and dequantising the outputs.

The format module API: see export/__init__.py.
"""
{% raw %}
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import torch
from torch import nn

REQUIRES: tuple[str, ...] = ("litert_torch", "ai_edge_litert", "torchao")


def export(model: nn.Module, example: torch.Tensor, path: Path, calibration: np.ndarray) -> None:
    """Write `model` to path (model_int8.tflite) for a batch of 1, calibrated on `calibration`. Raises
    ValueError, writing nothing, when an op would stay in float (the quantizer covers convolution, linear and
    pooling layers, not attention or LayerNorm)."""
    # Imported here, after the model is built: importing litert_torch draws from torch's random stream.
    import litert_torch
    from litert_torch.quantize import pt2e_quantizer
    from litert_torch.quantize.quant_config import QuantConfig
    from torchao.quantization.pt2e.observer import MinMaxObserver
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e

    litert_torch.config.show_progress = False
    model = fold_standardization(model.eval())
    one = example[:1]  # litert-torch fixes the batch size at conversion
    # Activation ranges from min/max, not the default histogram fit: that one clips outliers, the largest
    # logits among them, and the parity check compares the largest differences.
    config = pt2e_quantizer.get_symmetric_quantization_config(is_per_channel=True)
    observer = MinMaxObserver.with_args(eps=2**-12)
    activation = dataclasses.replace(config.input_activation, observer_or_fake_quant_ctr=observer)
    config = dataclasses.replace(config, input_activation=activation, output_activation=activation)
    quantizer = pt2e_quantizer.PT2EQuantizer().set_global(config)
    observed = prepare_pt2e(without_dropout(torch.export.export(model, (one,)).module()), quantizer)
    with torch.no_grad():
        for row in torch.from_numpy(np.ascontiguousarray(calibration)):
            observed(row[None])
    quantized = convert_pt2e(observed, fold_quantize=False)
    converted = litert_torch.convert(quantized, (one,), quant_config=QuantConfig(pt2e_quantizer=quantizer))
    content = converted.model_content()
    problems = not_int8(content)
    if problems:
        raise ValueError(
            "full-int8 export needs every op in int8, but litert-torch's PT2E quantizer leaves "
            f"{', '.join(problems)} in float (it quantises convolution, linear, pooling and add layers; "
            "attention, LayerNorm and embeddings stay float): use the float litert or executorch format instead"
        )
    path.write_bytes(content)


def without_dropout(graph_module: torch.fx.GraphModule) -> torch.fx.GraphModule:
    """The exported graph with its inference-mode dropouts (identities) removed. Left in, the quantizer gives
    the dropout's output its own scale, and litert-torch 0.10 then drops that requantisation but keeps the
    next layer's bias scaled for it: a bias off by the ratio of the two scales (seen: 1.5x, 3 output steps)."""
    for node in list(graph_module.graph.nodes):
        if node.op == "call_function" and node.target == torch.ops.aten.dropout.default and node.args[2] is False:
            node.replace_all_uses_with(node.args[0])
            graph_module.graph.erase_node(node)
    graph_module.recompile()
    return graph_module


def fold_standardization(model: nn.Module) -> nn.Module:
    """A leading (x - mean) / std layer (the tabular model's Standardize) folded into the Linear after it:
    the same function, but no float subtract/divide before the first int8 op."""
    if not (isinstance(model, nn.Sequential) and len(model) > 1 and isinstance(model[1], nn.Linear)):
        return model
    buffers = dict(model[0].named_buffers())
    if set(buffers) != {"mean", "std"} or list(model[0].parameters()):
        return model
    linear, mean, std = model[1], buffers["mean"], buffers["std"]
    folded = nn.Linear(linear.in_features, linear.out_features)
    with torch.no_grad():
        folded.weight.copy_(linear.weight / std)
        bias = linear.bias if linear.bias is not None else torch.zeros(linear.out_features)
        folded.bias.copy_(bias - folded.weight @ mean)
    return nn.Sequential(folded, *model[2:]).eval()


def not_int8(content: bytes) -> list[str]:
    """What keeps a .tflite flatbuffer from being full int8: custom (flex) ops, ops on float tensors (the
    QUANTIZE/DEQUANTIZE around them left out) and a float input or output."""
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromPackedBuf(content, 0)
    names = {code: name for name, code in vars(schema.BuiltinOperator).items() if not name.startswith("_")}
    floats = {schema.TensorType.FLOAT32, schema.TensorType.FLOAT16, schema.TensorType.FLOAT64}
    problems: set[str] = set()
    for subgraph in model.subgraphs:
        for op in subgraph.operators:
            code = model.operatorCodes[op.opcodeIndex]
            name = names.get(max(code.builtinCode, code.deprecatedBuiltinCode), "?")
            if name == "CUSTOM":
                problems.add(f"custom op {code.customCode.decode()}")
            elif name not in ("QUANTIZE", "DEQUANTIZE") and any(
                subgraph.tensors[i].type in floats for i in [*op.inputs, *op.outputs] if i >= 0
            ):
                problems.add(name)
        for kind, indices in (("input", subgraph.inputs), ("output", subgraph.outputs)):
            if any(subgraph.tensors[i].type in floats for i in indices):
                problems.add(f"the {kind}")
    return sorted(problems)


def run(path: Path, inputs: np.ndarray) -> np.ndarray:
    """The dequantised outputs for a batch, one example per call: float inputs are quantised with the input
    tensor's scale and zero point, integer inputs (token ids) are passed as they are."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    try:
        interpreter = Interpreter(model_path=str(path))
        interpreter.allocate_tensors()
    except RuntimeError:  # XNNPACK refuses some int8 graphs ("failed to prepare"): LiteRT's own kernels run them
        resolver = OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
        interpreter = Interpreter(model_path=str(path), experimental_op_resolver_type=resolver)
        interpreter.allocate_tensors()
    (source,), (target,) = interpreter.get_input_details(), interpreter.get_output_details()
    x = np.asarray(inputs)
    if np.issubdtype(x.dtype, np.floating):
        x = quantize(x, *source["quantization"], source["dtype"])
    outputs = []
    for row in x.astype(source["dtype"], copy=False):
        interpreter.set_tensor(source["index"], row[None])
        interpreter.invoke()
        outputs.append(interpreter.get_tensor(target["index"])[0])
    scale, zero_point = target["quantization"]
    return (np.stack(outputs).astype(np.float32) - zero_point) * np.float32(scale)


def quantize(x: np.ndarray, scale: float, zero_point: int, dtype: np.dtype) -> np.ndarray:
    info = np.iinfo(dtype)
    return np.clip(np.round(x / scale) + zero_point, info.min, info.max).astype(dtype)


def output_scale(path: Path) -> float:
    """The output tensor's quantisation scale (one step of the dequantised logits)."""
    from ai_edge_litert.interpreter import Interpreter

    return float(Interpreter(model_path=str(path)).get_output_details()[0]["quantization"][0])


def output_range(path: Path) -> tuple[float, float]:
    """The lowest and highest dequantised values the int8 output can hold (beyond them it saturates)."""
    from ai_edge_litert.interpreter import Interpreter

    scale, zero_point = Interpreter(model_path=str(path)).get_output_details()[0]["quantization"]
    return float((-128 - zero_point) * scale), float((127 - zero_point) * scale)


def signature(path: Path) -> list[dict]:
    """The file's inputs, from its own signature (batch size 1)."""
    from ai_edge_litert.interpreter import Interpreter

    details = Interpreter(model_path=str(path)).get_input_details()
    return [
        {
            "name": d["name"],
            "shape": [None if s < 0 else int(s) for s in d["shape_signature"]],
            "dtype": np.dtype(d["dtype"]).name,
        }
        for d in details
    ]


def details(path: Path) -> dict:
    """Input and output quantisation, and the ops the file uses (name and version: what a TFLite Micro op
    resolver or the Edge TPU compiler must support)."""
    from ai_edge_litert import schema_py_generated as schema
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=str(path))
    (source,), (target,) = interpreter.get_input_details(), interpreter.get_output_details()
    model = schema.ModelT.InitFromPackedBuf(path.read_bytes(), 0)
    names = {code: name for name, code in vars(schema.BuiltinOperator).items() if not name.startswith("_")}
    ops = sorted({f"{names[max(c.builtinCode, c.deprecatedBuiltinCode)]} v{c.version}" for c in model.operatorCodes})
    return {
        "input_quantization": quantization(source),
        "output_quantization": quantization(target),
        "ops": ops,
    }


def quantization(tensor: dict) -> dict:
    scale, zero_point = tensor["quantization"]
    return {"scale": float(scale), "zero_point": int(zero_point)}


def runtime() -> str:
    from importlib.metadata import version

    return f"LiteRT {version('ai-edge-litert')} (ai_edge_litert Interpreter, int8 kernels)"
{%- endraw %}
