"""Train with Keras on a tf.data pipeline: one entry point for CPU, GPU, several GPUs or nodes.

Synthetic data and configs/train.yaml by default; flags override the config:

    python -m {{ cookiecutter.package }}.train
    python -m {{ cookiecutter.package }}.train --data-dir data/ --epochs 20

The loop knows nothing about the task: model.py gives the compiled network, the loss and the metrics.
Several GPUs (MirroredStrategy) and several nodes (MultiWorkerMirroredStrategy, TF_CONFIG per worker)
follow the project's scale: see device.make_strategy and README.md.
"""
{% raw %}
from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import keras
import tensorflow as tf

from . import cli
from .config import Config
from .data import Loaders, make_loaders
from .device import Device, is_chief, make_strategy, select_device
from .model import METRICS, build_model, loss_fn

CHECKPOINT_NAME = "last.keras"


@dataclass
class TrainResult:
    model: keras.Model
    checkpoint: Path | None  # this worker's checkpoint (a scratch copy on non-chief workers)
    history: list[dict] = field(default_factory=list)  # per epoch: epoch, train_loss, val_loss, val_<metric>...
    replicas: int = 1  # replicas that trained together

    @property
    def final(self) -> dict:
        """Last-epoch metrics."""
        return self.history[-1] if self.history else {}


# ---------------------------------------------------------------- checkpoints
def checkpoint_path(cfg: Config) -> Path:
    return Path(cfg.output_dir) / "checkpoints" / CHECKPOINT_NAME


def _info_path(checkpoint: Path) -> Path:
    # What a .keras file cannot hold: the config the model was built from, and the class names.
    return Path(checkpoint).with_suffix(".json")


def save_info(checkpoint: Path, cfg: Config, class_names: list[str]) -> None:
    checkpoint.parent.mkdir(parents=True, exist_ok=True)
    info = {"config": dataclasses.asdict(cfg), "class_names": list(class_names)}
    _info_path(checkpoint).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")


def save_checkpoint(path: Path, model: keras.Model, cfg: Config, class_names: list[str]) -> Path:
    """The model with its optimizer state (.keras), plus the config and class names beside it (.json)."""
    if not model.optimizer.built:  # as in a checkpoint written during training: optimizer state included
        model.optimizer.build(model.trainable_variables)
    save_info(path, cfg, class_names)
    model.save(path)
    return path


def load_checkpoint(path: str | Path) -> tuple[keras.Model, Config, list[str]]:
    """(model, the config it was trained with, class names)."""
    info_path = _info_path(Path(path))
    if not info_path.is_file():
        raise FileNotFoundError(f"{info_path} is missing: checkpoints from train.save_checkpoint have one")
    info = json.loads(info_path.read_text(encoding="utf-8"))
    return keras.saving.load_model(path), Config(**info["config"]), info["class_names"]


# ---------------------------------------------------------------- fitting
def _set_precision(cfg: Config, device: Device) -> None:
    # Mixed precision pays off on GPUs and TPUs; on the CPU it would only be slower.
    policy = {"gpu": "mixed_float16", "tpu": "mixed_bfloat16"}.get(device.kind, "float32")
    keras.mixed_precision.set_global_policy(policy if cfg.mixed_precision else "float32")


def _history(keras_history: dict[str, list[float]]) -> list[dict]:
    """Keras' {loss: [...], val_loss: [...]} -> one dict per epoch, named as in the PyTorch template."""
    epochs = len(keras_history.get("loss", []))
    rows = []
    for i in range(epochs):
        row = {"epoch": i + 1}
        for name, values in keras_history.items():
            row[name if name.startswith("val_") else f"train_{name}"] = float(values[i])
        rows.append(row)
    return rows


def _fit(model: keras.Model, loaders: Loaders, epochs: int, run_dir: Path, checkpoint: Path) -> dict:
    callbacks = [
        keras.callbacks.ModelCheckpoint(str(checkpoint)),  # rewritten every epoch: the latest weights
        keras.callbacks.TensorBoard(log_dir=str(run_dir), write_graph=False),
    ]
    history = model.fit(
        loaders.train,
        validation_data=loaders.val,
        epochs=epochs,
        callbacks=callbacks,
        shuffle=False,  # the tf.data pipeline already shuffles, with the config's seed
        verbose=2,
    )
    return history.history


def _run_dir(cfg: Config) -> Path:
    """Where this process writes: output_dir on the chief, a scratch folder on other workers."""
    if is_chief():
        return Path(cfg.output_dir)
    # Every worker saves (same code everywhere); only the chief's files are kept.
    index = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
    return Path(cfg.output_dir) / "workers" / f"worker-{index}"


def _fit_multi_worker(
    model: keras.Model, loaders: Loaders, epochs: int, strategy, run_dir: Path, checkpoint: Path
) -> dict:
    """The same training as _fit, as a plain tf.distribute loop (multi-node jobs only).

    Keras 3's fit() fails under MultiWorkerMirroredStrategy (keras-team/keras#20585), so multi-worker
    jobs run this loop instead: same data, loss, metrics, optimizer, checkpoint and TensorBoard scalars.
    """
    optimizer = model.optimizer
    with strategy.scope():
        optimizer.build(model.trainable_variables)

    def sums(y, outputs, per_example):
        # Summed loss, summed metrics and the example count: exact means over the global batch.
        metrics = [tf.reduce_sum(tf.cast(metric(y, outputs), tf.float32)) for metric in METRICS.values()]
        return [tf.reduce_sum(per_example), *metrics, tf.cast(tf.size(y), tf.float32)]

    def replica_train(x, y):
        with tf.GradientTape() as tape:
            outputs = model(x, training=True)
            per_example = loss_fn(y, outputs)
            loss = tf.nn.compute_average_loss(per_example)  # mean over the global batch
        grads = tape.gradient(optimizer.scale_loss(loss), model.trainable_variables)
        optimizer.apply(grads, model.trainable_variables)
        return sums(y, outputs, per_example)

    def replica_val(x, y):
        outputs = model(x, training=False)
        return sums(y, outputs, loss_fn(y, outputs))

    def distributed(replica_fn):
        @tf.function
        def step(x, y):
            return [strategy.reduce("SUM", v, axis=None) for v in strategy.run(replica_fn, (x, y))]

        return step

    train_step, val_step = distributed(replica_train), distributed(replica_val)
    names = ["loss", *METRICS]

    def run_epoch(step, dataset) -> dict[str, float]:
        totals = [0.0] * (len(names) + 1)  # summed loss and metrics, then the example count
        for x, y in strategy.experimental_distribute_dataset(dataset):
            totals = [t + float(v) for t, v in zip(totals, step(x, y), strict=True)]
        return {name: total / totals[-1] for name, total in zip(names, totals, strict=False)}

    history: dict[str, list[float]] = {prefix + name: [] for prefix in ("", "val_") for name in names}
    # TensorBoard scalars laid out as Keras' TensorBoard callback writes them.
    writers = {name: tf.summary.create_file_writer(str(run_dir / name)) for name in ("train", "validation")}
    for epoch in range(epochs):
        for prefix, step, dataset in (("", train_step, loaders.train), ("val_", val_step, loaders.val)):
            for name, value in run_epoch(step, dataset).items():
                history[prefix + name].append(value)
                with writers["validation" if prefix else "train"].as_default():
                    tf.summary.scalar(f"epoch_{name}", value, step=epoch)
        print(f"epoch {epoch + 1}/{epochs}: " + ", ".join(f"{k} {v[-1]:.4f}" for k, v in history.items()))
        model.save(checkpoint)
    return history


# ---------------------------------------------------------------- the loop
def train(cfg: Config) -> TrainResult:
    # The strategy comes first: multi-worker setup must precede other TensorFlow work.
    device = select_device(cfg.device)
    strategy = make_strategy(device)
    keras.utils.set_random_seed(cfg.seed)
    _set_precision(cfg, device)
    loaders = make_loaders(cfg, replicas=strategy.num_replicas_in_sync)
    with strategy.scope():
        model = build_model(loaders.cfg)

    run_dir = _run_dir(cfg)
    checkpoint = run_dir / "checkpoints" / CHECKPOINT_NAME
    save_info(checkpoint, loaders.cfg, loaders.class_names)
    if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        history = _fit_multi_worker(model, loaders, cfg.epochs, strategy, run_dir, checkpoint)
    else:
        history = _fit(model, loaders, cfg.epochs, run_dir, checkpoint)
    return TrainResult(model, checkpoint, _history(history), strategy.num_replicas_in_sync)


def main(argv: list[str] | None = None) -> int:
    args = cli.parser(__doc__, epochs=True).parse_args(argv)
    cfg = cli.config_from_args(args)
    result = train(cfg)
    print(f"trained on {result.replicas} replica(s): {cli.format_metrics(result.final)}")
    print(f"checkpoint: {result.checkpoint}   logs: tensorboard --logdir {cfg.output_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
{%- endraw %}
