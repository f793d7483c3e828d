{#- ONNX Runtime on the CPU: run(), signature() and runtime() of the onnx format in both frameworks (included
    at the end of <framework>/export/onnx.py; imports inside the functions). -#}
{% raw %}

def _session(path: Path):
    import onnxruntime as ort

    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def run(path: Path, inputs: np.ndarray) -> np.ndarray:
    """The exported model's outputs for a batch, with ONNX Runtime on the CPU."""
    session = _session(path)
    return session.run(None, {session.get_inputs()[0].name: inputs})[0]


def signature(path: Path) -> list[dict]:
    """The model's inputs as ONNX Runtime sees them (a named or unknown dimension is dynamic: None)."""

    def dtype(onnx_type: str) -> str:  # "tensor(float)" -> "float32", "tensor(int32)" -> "int32"
        name = onnx_type.removeprefix("tensor(").removesuffix(")")
        return {"float": "float32", "double": "float64"}.get(name, name)

    return [
        {"name": i.name, "shape": [d if isinstance(d, int) else None for d in i.shape], "dtype": dtype(i.type)}
        for i in _session(path).get_inputs()
    ]


def runtime() -> str:
    import onnxruntime as ort

    return f"ONNX Runtime {ort.__version__}"
{%- endraw %}
