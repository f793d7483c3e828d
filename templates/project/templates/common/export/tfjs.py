"""TF.js layers model (tfjs/model.json + weights): the Keras model as TensorFlow.js loads it to predict and to
keep training in the browser. Checked under Node.js with @tensorflow/tfjs (pure JS CPU backend).

tensorflowjs_converter cannot share this project's environment (tensorflowjs 4.22.0 needs TensorFlow 2.19), so
it runs from its own venv in the export tools folder (tools.py). Keras 3 writes its model config in a dialect
TF.js 4.22 does not read (tfjs#8494), so export() rewrites model.json: Keras 2 names for input shapes, dtype
policies and node links, `<layer>/<weight>` weight names, and the optimizer's variables dropped. A Normalization
layer (TF.js has none) becomes a frozen Dense layer with a diagonal kernel. Layers TF.js lacks (attention,
custom layers, ops on tensors) make export() fail, naming them.

The format module API (export/__init__.py calls it): prepare(install), export(model, example, path,
calibration), run(path, inputs), signature(path), details(path) (a short training run), runtime(), REQUIRES.
"""
{% raw %}
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from .. import metrics
from . import tools

REQUIRES = ()
PACKAGE = "@tensorflow/tfjs"
CONVERTER = ("tensorflowjs==4.22.0", "ydf==0.12.0")  # ydf 0.16 (pulled by TF-DF) fails to import with protobuf 5
# Layer classes @tensorflow/tfjs-layers 4.22 can build.
_LAYERS = """Activation Add AlphaDropout Average AveragePooling1D AveragePooling2D AveragePooling3D BatchNormalization
Bidirectional CategoryEncoding CenterCrop Concatenate Conv1D Conv2D Conv2DTranspose Conv3D Conv3DTranspose ConvLSTM2D
Cropping2D Dense DepthwiseConv2D Dot Dropout ELU Embedding Flatten GRU GaussianDropout GaussianNoise
GlobalAveragePooling1D GlobalAveragePooling2D GlobalMaxPooling1D GlobalMaxPooling2D InputLayer LSTM LayerNormalization
LeakyReLU Masking MaxPooling1D MaxPooling2D MaxPooling3D Maximum Minimum Multiply PReLU Permute RNN ReLU RepeatVector
Rescaling Reshape Resizing SeparableConv2D SimpleRNN Softmax SpatialDropout1D ThresholdedReLU TimeDistributed
UpSampling2D ZeroPadding2D"""
TFJS_LAYERS = frozenset(_LAYERS.split())

_LOAD = r"""
const tf = require("@tensorflow/tfjs");
// Pure-JS TF.js has no file:// loader: an IOHandler reading model.json and its weight files.
async function load(file) {
  const dir = path.dirname(file), meta = JSON.parse(fs.readFileSync(file, "utf8"));
  const specs = meta.weightsManifest.flatMap((group) => group.weights);
  const files = meta.weightsManifest.flatMap((group) => group.paths.map((p) => path.join(dir, p)));
  const data = Buffer.concat(files.map((file) => fs.readFileSync(file)));
  const weightData = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  return tf.loadLayersModel({load: async () => ({modelTopology: meta.modelTopology, weightSpecs: specs, weightData})});
}
function tensor(x) {
  return tf.tensor(x.data instanceof Float32Array ? x.data : Int32Array.from(x.data, Number), x.shape);
}
"""
_PREDICT = r"""
async function main(params) {
  const y = (await load(params.model)).predict(tensor(readArray("input")));
  return {output: {data: await y.data(), shape: y.shape}};
}
"""
_TRAIN = r"""
async function main(params) {
  const model = await load(params.model), x = tensor(readArray("input")), u = readArray("labels").data;
  const shape = model.outputs[0].shape, classes = shape[shape.length - 1];
  const labels = params.classes
    ? tf.oneHot(Int32Array.from(u, (v) => Math.floor(v * classes)), classes)
    : tf.randomUniform([x.shape[0], ...shape.slice(1)], 0, 1, "float32", 0);
  const loss = params.classes ? tf.losses.softmaxCrossEntropy : tf.losses.meanSquaredError;
  model.compile({optimizer: tf.train.adam(params.lr), loss: (t, o) => loss(t, o)});
  const losses = [];
  for (let i = 0; i < params.steps; i++) losses.push(await model.trainOnBatch(x, labels));
  return {losses};
}
"""


def _venv() -> Path:
    return tools.tools_dir() / "tfjs-venv"


def _converter() -> Path:
    return _venv() / ("Scripts" if os.name == "nt" else "bin") / "tensorflowjs_converter"


def prepare(install: bool) -> str | None:
    """Node with @tensorflow/tfjs, and the converter in its own venv; installed on demand when `install`."""
    missing = [reason for reason in (tools.node_ready(PACKAGE, install), _converter_ready(install)) if reason]
    return "; ".join(missing) or None


def _converter_ready(install: bool) -> str | None:
    if _converter().exists():
        return None
    pip = _venv() / ("Scripts" if os.name == "nt" else "bin") / "pip"
    command = f"{sys.executable} -m venv {_venv()} && {pip} install {' '.join(CONVERTER)}"
    if not install:
        return f"the TF.js converter is not installed (its own venv: it needs TensorFlow 2.19): run `{command}`"
    done = subprocess.run([sys.executable, "-m", "venv", str(_venv())], check=False, capture_output=True, text=True)
    if done.returncode == 0:
        done = subprocess.run([str(pip), "install", "-q", *CONVERTER], check=False, capture_output=True, text=True)
    if done.returncode != 0 or not _converter().exists():
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return f"installing the TF.js converter failed ({tail[0]}): run `{command}`"
    return None


def _snake(name: str) -> str:
    """Keras' own to_snake_case: Conv2D -> conv2d, BatchNormalization -> batch_normalization."""
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)).lower()


def _saved_names(model) -> dict[str, tuple]:
    """`layers/<snake class>[_N]/vars/<i>` (how a .keras file names weights) -> (layer, variable), in the
    order Keras' saving code walks them (Layer.save_own_variables)."""
    names, seen = {}, {}
    for layer in model.layers:
        base = _snake(type(layer).__name__)
        key = base if base not in seen else f"{base}_{seen[base] + 1}"
        seen[base] = seen.get(base, -1) + 1
        for i, variable in enumerate(layer._trainable_variables + layer._non_trainable_variables):
            names[f"layers/{key}/vars/{i}"] = (layer, variable)
    return names


def _keras2(value):
    """A Keras 3 config value in the Keras 2 dialect TF.js reads."""
    if isinstance(value, dict):
        if value.get("class_name") in ("DTypePolicy", "FloatDTypePolicy"):
            name = value["config"]["name"]
            return "float32" if name.startswith("mixed_") else name
        return {k: _keras2(v) for k, v in value.items() if k not in ("module", "registered_name", "shared_object_id")}
    return [_keras2(v) for v in value] if isinstance(value, list) else value


def _node(node: dict) -> list:
    """{"args": [...keras tensors...], "kwargs": {...}} -> [[layer, node, tensor, kwargs], ...]."""
    kwargs = {k: v for k, v in node["kwargs"].items() if v is not None and k != "training"}  # fit sets training
    if any(isinstance(v, dict) and v.get("class_name") == "__keras_tensor__" for v in kwargs.values()):
        raise ValueError(f"a layer takes a tensor keyword argument ({', '.join(kwargs)}): TF.js layers cannot")
    flat = [a for arg in node["args"] for a in (arg if isinstance(arg, list) else [arg])]
    tensors = [a for a in flat if isinstance(a, dict) and a.get("class_name") == "__keras_tensor__"]
    return [[*a["config"]["keras_history"], kwargs] for a in tensors]


def _rewrite(model, meta: dict, weights: dict[str, np.ndarray]) -> tuple[dict, dict[str, np.ndarray]]:
    """model.json (Keras 3 dialect) and its weights -> what TF.js 4.22 loads."""
    config = meta["modelTopology"]["model_config"]
    if config["class_name"] not in ("Functional", "Model"):
        raise ValueError(f"a {config['class_name']} model: the TF.js layers export needs a functional Keras model")
    layers = config["config"]["layers"]
    unsupported = sorted({x["class_name"] for x in layers} - TFJS_LAYERS - {"Normalization"})
    if unsupported:
        raise ValueError(f"TF.js layers 4.22 has no {', '.join(unsupported)} layer: this model cannot load in TF.js")
    out: dict[str, np.ndarray] = {}
    for key, (layer, variable) in _saved_names(model).items():  # the optimizer's variables are left out
        if key in weights:
            out[f"{layer.name}/{variable.name}"] = weights[key]
    for entry in layers:
        entry.pop("build_config", None)
        entry.pop("module", None)
        entry.pop("registered_name", None)
        entry["config"] = _keras2(entry["config"])
        entry["inbound_nodes"] = [_node(n) for n in entry["inbound_nodes"]]
        if entry["class_name"] == "InputLayer":
            entry["config"]["batch_input_shape"] = entry["config"].pop("batch_shape")
            entry["config"].pop("optional", None)
        elif entry["class_name"] == "Normalization":
            _normalization_as_dense(model.get_layer(entry["name"]), entry, out)
    for key in ("input_layers", "output_layers"):  # Keras 3 flattens a single [name, node, tensor]
        links = config["config"][key]
        config["config"][key] = [links] if links and isinstance(links[0], str) else links
    meta["modelTopology"]["model_config"] = config
    return meta, out


def _normalization_as_dense(layer, entry: dict, weights: dict[str, np.ndarray]) -> None:
    """(x - mean) / max(sqrt(var), eps), as Keras computes it, as a frozen Dense layer TF.js has."""
    mean, variance = (np.asarray(t, np.float32).reshape(-1) for t in (layer.mean, layer.variance))
    if layer.invert or list(layer.axis) not in ([-1], [len(layer.input.shape) - 1]) or len(layer.input.shape) != 2:
        raise ValueError(f"Normalization {layer.name}: TF.js gets only per-feature scaling of [batch, features] inputs")
    scale = 1.0 / np.maximum(np.sqrt(variance), 1e-7)
    name = entry["name"]
    entry["class_name"] = "Dense"
    entry["config"] = {"name": name, "trainable": False, "dtype": "float32", "units": len(mean), "use_bias": True}
    for key in [k for k in weights if k.startswith(f"{name}/")]:  # mean, variance, count
        del weights[key]
    weights[f"{name}/kernel"] = np.diag(scale).astype(np.float32)
    weights[f"{name}/bias"] = (-mean * scale).astype(np.float32)


def _read_weights(folder: Path, manifest: list[dict]) -> dict[str, np.ndarray]:
    weights = {}
    for group in manifest:
        data = b"".join((folder / p).read_bytes() for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            dtype = np.dtype(spec["dtype"])
            count = int(np.prod(spec["shape"], dtype=np.int64))
            weights[spec["name"]] = np.frombuffer(data, dtype, count, offset).reshape(spec["shape"])
            offset += count * dtype.itemsize
    return weights


def export(model, example: np.ndarray, path: Path, calibration: np.ndarray) -> None:
    """Write path (tfjs/model.json) and its weight file: converter output, rewritten for TF.js."""
    del example, calibration  # the Keras model knows its inputs; details() checks training on its own data
    if not _converter().exists():
        raise RuntimeError(prepare(install=False))
    with tempfile.TemporaryDirectory() as tmp:
        keras_file, converted = Path(tmp) / "model.keras", Path(tmp) / "tfjs"
        model.save(keras_file)
        done = subprocess.run(
            [
                str(_converter()),
                "--input_format=keras_keras",
                "--output_format=tfjs_layers_model",
                keras_file,
                converted,
            ],
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
            check=False,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"tensorflowjs_converter failed: {done.stderr.strip()[-1500:]}")
        meta = json.loads((converted / "model.json").read_text())
        meta, weights = _rewrite(model, meta, _read_weights(converted, meta["weightsManifest"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob("group*-shard*.bin"):
        old.unlink()
    shard = "group1-shard1of1.bin"
    (path.parent / shard).write_bytes(b"".join(np.ascontiguousarray(w).tobytes() for w in weights.values()))
    specs = [{"name": n, "shape": list(w.shape), "dtype": w.dtype.name} for n, w in weights.items()]
    meta["weightsManifest"] = [{"paths": [shard], "weights": specs}]
    path.write_text(json.dumps(meta))


def run(path: Path, inputs: np.ndarray) -> np.ndarray:
    """The model's outputs for a batch under TF.js in Node (model.predict)."""
    return tools.run_node(_LOAD + _PREDICT, {"input": inputs}, {"model": str(path.resolve())})["output"]


def signature(path: Path) -> list[dict]:
    layers = json.loads(path.read_text())["modelTopology"]["model_config"]["config"]["layers"]
    return [
        {"name": x["name"], "shape": x["config"]["batch_input_shape"], "dtype": x["config"]["dtype"]}
        for x in layers
        if x["class_name"] == "InputLayer"
    ]


def details(path: Path, steps: int = 5, examples: int = 4) -> dict:
    """Train the exported model in TF.js for a few Adam steps on a few random examples with random targets:
    the loss must fall (the browser can fine-tune it). Raises when it does not. Pure-JS training is slow
    (1-2 s per example and step for the vision CNN here), hence the tiny run."""
    spec = signature(path)[0]
    rng = np.random.default_rng(0)
    shape = [examples if n is None else n for n in spec["shape"]]
    inputs = rng.random(shape, dtype=np.float32) if spec["dtype"].startswith("float") else rng.integers(0, 2, shape)
    arrays = {"input": inputs, "labels": rng.random(shape[0], dtype=np.float32)}  # labels: floor(u * classes)
    # Class scores learn random labels (softmax cross-entropy); other outputs, such as a decoder's pixels, learn
    # random targets of their shape (mean squared error).
    params = {"model": str(path.resolve()), "steps": steps, "lr": 1e-2, "classes": metrics.TOP1_AGREEMENT}
    losses = tools.run_node(_LOAD + _TRAIN, arrays, params)["losses"]
    if not losses[-1] < losses[0]:
        raise RuntimeError(f"TF.js training did not lower the loss: {losses[0]:.4f} -> {losses[-1]:.4f}")
    return {"trains": {"steps": steps, "loss_first": round(losses[0], 4), "loss_last": round(losses[-1], 4)}}


def files(path: Path) -> list[Path]:
    """model.json and its weight shards."""
    return [path, *sorted(path.parent.glob("group*-shard*.bin"))]


def runtime() -> str:
    return f"TensorFlow.js {tools.package_version(PACKAGE)} (Node.js {tools.node_version().lstrip('v')}, CPU backend)"
{%- endraw %}
