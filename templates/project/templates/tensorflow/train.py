{%- set multi_node = cookiecutter.scale == "multi-node" -%}
"""Train with Keras on a tf.data pipeline: one entry point for CPU, GPU, several GPUs or nodes.

Synthetic data and configs/train.yaml by default; flags override the config:

    python -m {{ cookiecutter.package }}.train
    python -m {{ cookiecutter.package }}.train --data-dir data/ --epochs 20
{%- if cookiecutter.scale != "single" %}

All GPUs of one machine (MirroredStrategy): bash scripts/launch_multi_gpu.sh
{%- endif %}
{%- if multi_node %}
Several nodes (MultiWorkerMirroredStrategy, TF_CONFIG per task): sbatch scripts/launch_multi_node.sbatch
{%- endif %}
"""

from __future__ import annotations

import argparse
{%- if multi_node %}
import json
import os
{%- endif %}
from dataclasses import dataclass
from pathlib import Path

import keras
{%- if multi_node %}
import tensorflow as tf
{%- endif %}

from .config import Config, load_config
from .data import Loaders, make_loaders
from .device import Device, {{ "is_chief, " if multi_node }}make_strategy, select_device
from .model import build_model


@dataclass(frozen=True)
class TrainResult:
    model: keras.Model
    history: dict[str, list[float]]  # per epoch: loss, accuracy, val_loss, val_accuracy
    checkpoint: Path
    replicas: int

    @property
    def final(self) -> dict[str, float]:
        """Last-epoch metrics."""
        return {name: values[-1] for name, values in self.history.items()}


def checkpoint_path(cfg: Config) -> Path:
    return Path(cfg.output_dir) / "checkpoints" / "last.keras"


def _set_precision(cfg: Config, device: Device) -> None:
    # Mixed precision pays off on GPUs and TPUs; on the CPU it would only be slower.
    policy = {"gpu": "mixed_float16", "tpu": "mixed_bfloat16"}.get(device.kind, "float32")
    keras.mixed_precision.set_global_policy(policy if cfg.mixed_precision else "float32")


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
{%- if multi_node %}


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
    """The same training as _fit, as a plain tf.distribute loop.

    Keras 3's fit() fails under MultiWorkerMirroredStrategy (keras-team/keras#20585), so multi-worker
    jobs run this loop instead: same data, loss, optimizer, checkpoint and TensorBoard scalars.
    """
    optimizer = model.optimizer
    with strategy.scope():
        optimizer.build(model.trainable_variables)

    def sums(y, logits, per_example):
        correct = tf.cast(tf.argmax(logits, -1) == tf.cast(y, tf.int64), tf.float32)
        return tf.reduce_sum(per_example), tf.reduce_sum(correct), tf.cast(tf.size(y), tf.float32)

    def replica_train(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            per_example = keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True)
            loss = tf.nn.compute_average_loss(per_example)  # mean over the global batch
        grads = tape.gradient(optimizer.scale_loss(loss), model.trainable_variables)
        optimizer.apply(grads, model.trainable_variables)
        return sums(y, logits, per_example)

    def replica_val(x, y):
        logits = model(x, training=False)
        return sums(y, logits, keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True))

    def distributed(replica_fn):
        @tf.function
        def step(x, y):
            return [strategy.reduce("SUM", v, axis=None) for v in strategy.run(replica_fn, (x, y))]

        return step

    train_step, val_step = distributed(replica_train), distributed(replica_val)

    def run_epoch(step, dataset) -> tuple[float, float]:
        totals = [0.0, 0.0, 0.0]  # summed loss, correct predictions, examples
        for x, y in strategy.experimental_distribute_dataset(dataset):
            totals = [t + float(v) for t, v in zip(totals, step(x, y))]
        return totals[0] / totals[2], totals[1] / totals[2]

    history: dict[str, list[float]] = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    # TensorBoard scalars laid out as Keras' TensorBoard callback writes them.
    writers = {name: tf.summary.create_file_writer(str(run_dir / name)) for name in ("train", "validation")}
    for epoch in range(epochs):
        for prefix, step, dataset in (("", train_step, loaders.train), ("val_", val_step, loaders.val)):
            loss, accuracy = run_epoch(step, dataset)
            history[prefix + "loss"].append(loss)
            history[prefix + "accuracy"].append(accuracy)
            with writers["validation" if prefix else "train"].as_default():
                tf.summary.scalar("epoch_loss", loss, step=epoch)
                tf.summary.scalar("epoch_accuracy", accuracy, step=epoch)
        print(f"epoch {epoch + 1}/{epochs}: " + ", ".join(f"{k} {v[-1]:.4f}" for k, v in history.items()))
        model.save(checkpoint)
    return history
{%- endif %}


def train(cfg: Config) -> TrainResult:
    # The strategy comes first: multi-worker setup must precede other TensorFlow work.
    device = select_device(cfg.device)
    strategy = make_strategy(device)
    keras.utils.set_random_seed(cfg.seed)
    _set_precision(cfg, device)
    loaders = make_loaders(cfg, replicas=strategy.num_replicas_in_sync)
    with strategy.scope():
        model = build_model(loaders.cfg)

    run_dir = {{ "_run_dir(cfg)" if multi_node else "Path(cfg.output_dir)" }}
    checkpoint = run_dir / "checkpoints" / "last.keras"
    checkpoint.parent.mkdir(parents=True, exist_ok=True)
{%- if multi_node %}
    if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        history = _fit_multi_worker(model, loaders, cfg.epochs, strategy, run_dir, checkpoint)
    else:
        history = _fit(model, loaders, cfg.epochs, run_dir, checkpoint)
{%- else %}
    history = _fit(model, loaders, cfg.epochs, run_dir, checkpoint)
{%- endif %}
    return TrainResult(model, history, checkpoint, strategy.num_replicas_in_sync)


def add_config_args(parser: argparse.ArgumentParser) -> None:
    """Options shared by train, evaluate and export."""
    parser.add_argument("--config", help="YAML config (default: configs/train.yaml)")
    parser.add_argument("--data-dir", help="your data; synthetic data when omitted")
    parser.add_argument("--output-dir", help="run folder: checkpoints/ and TensorBoard logs")


def config_from_args(args: argparse.Namespace, **extra) -> Config:
    overrides = {"data_dir": args.data_dir, "output_dir": args.output_dir, **extra}
    return load_config(args.config, **{key: value for key, value in overrides.items() if value is not None})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add_config_args(parser)
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--device", help="auto, cpu, cuda, rocm or tpu")
    args = parser.parse_args(argv)
    cfg = config_from_args(args, epochs=args.epochs, device=args.device)
    result = train(cfg)
    final = ", ".join(f"{name} {value:.4f}" for name, value in result.final.items())
    print(f"trained on {result.replicas} replica(s): {final}")
    print(f"checkpoint: {result.checkpoint}   logs: tensorboard --logdir {cfg.output_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
