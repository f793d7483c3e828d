"""Train with Keras on tf.data: a warm-up + cosine schedule, gradient clipping, mixed precision on GPUs and
TPUs, the best checkpoint by a monitored metric, early stopping, resume, metrics.jsonl and TensorBoard logs;
one entry point for CPU, GPU, several GPUs or nodes.

    python -m {{ cookiecutter.package }}.train
        [--config PATH] [--data-dir DIR] [--epochs N] [--device D] [--output-dir DIR]
        [--resume [CHECKPOINT]] [KEY=VALUE ...]

Any config key can be set on the command line, as KEY=VALUE:

    python -m {{ cookiecutter.package }}.train learning_rate=0.003 batch_size=64

The loop knows nothing about the task: model.py gives the compiled network, the input statistics and the
augmentation; metrics.py the scores. Several GPUs (MirroredStrategy) and several nodes
(MultiWorkerMirroredStrategy, TF_CONFIG per worker) follow the project's scale: see device.make_strategy.
It runs on Keras' JAX backend too (KERAS_BACKEND=jax: the same fit() and callbacks, tf.data still feeding
it; several local devices train data-parallel through keras.distribution): README.md, "The JAX backend".
"""
{% raw %}
from __future__ import annotations

import dataclasses
import json
import os
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from . import cli, metrics
from .config import Config
from .data import Batches, Loaders, make_loaders
from .device import Device, backend, is_chief, make_strategy, placement, select_device
from .model import adapt, build_model, compile_model, learning_rate_schedule, loss_fn
from .sources import Split, imbalance_note

CHECKPOINT_SUFFIX = ".keras"
Model = keras.Model
{%- endraw %}
{% include "common/run_files.py" %}
{%- raw %}


def _info_path(checkpoint: Path) -> Path:
    # What a .keras file cannot hold: the config, class names, data split and training progress.
    return Path(checkpoint).with_suffix(".json")


def save_checkpoint(
    path: Path,
    model: keras.Model,
    cfg: Config,
    class_names: list[str],
    split: Split | None = None,
    training: dict | None = None,
) -> Path:
    """The model with its optimizer state (.keras), and beside it (.json) the config, class names, data
    split and, for resume, the epoch and early-stopping state (`training`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if model.optimizer is not None and not model.optimizer.built:  # keep the optimizer state in the file
        model.optimizer.build(model.trainable_variables)
    info = {
        "config": dataclasses.asdict(cfg),
        "class_names": list(class_names),
        "split": split.to_dict() if split else None,
        "training": training,
    }
    partial = path.with_name(path.stem + ".partial.keras")
    model.save(partial)
    partial.replace(path)  # never leave a half-written checkpoint behind
    tmp = _info_path(path).with_suffix(".tmp")
    tmp.write_text(json.dumps(info) + "\n", encoding="utf-8")
    tmp.replace(_info_path(path))
    return path


def read_info(path: str | Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}; train first: python -m {__package__}.train")
    info_path = _info_path(path)
    if not info_path.is_file():
        raise FileNotFoundError(f"{info_path} is missing: checkpoints from train.save_checkpoint have one")
    return json.loads(info_path.read_text(encoding="utf-8"))


def recorded_split(path: str | Path) -> Split | None:
    """The data split a checkpoint was trained on (None for a checkpoint saved without one)."""
    info = read_info(path)
    return Split.from_dict(info["split"]) if info.get("split") else None


def load_checkpoint(path: str | Path) -> tuple[keras.Model, Config, list[str]]:
    """(model, the config it was trained with, class names)."""
    info = read_info(path)
    return keras.saving.load_model(path), Config(**info["config"]), info["class_names"]


# ---------------------------------------------------------------- scores
_INFERENCE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _inference(model: keras.Model):
    """The model's forward pass in inference mode, compiled once per model (also under multi-worker
    strategies, where predict() would gather every worker's batch). On the JAX backend, Keras' own compiled
    predict step, on numpy batches."""
    if backend() != "tensorflow":
        return lambda x: model.predict_on_batch(keras.tree.map_structure(np.asarray, x))
    if model not in _INFERENCE:
        held = weakref.ref(model)  # a strong reference here would keep the model alive forever
        _INFERENCE[model] = tf.function(lambda x: held()(x, training=False), reduce_retracing=True)
    return _INFERENCE[model]


def predict_outputs(model: keras.Model, batches: Batches) -> tuple[np.ndarray, np.ndarray]:
    """(targets, outputs) of a whole split, in its order, inference mode (classification: labels and logits)."""
    wanted, outputs = [], []
    forward = _inference(model)
    for inputs, batch_targets in batches.epoch():
        outputs.append(np.asarray(forward(inputs), dtype=np.float32))
        wanted.append(batch_targets.numpy())
    if not wanted:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
    return np.concatenate(wanted), np.concatenate(outputs)


def score(model: keras.Model, batches: Batches) -> dict:
    """The objective's scores of the model on a split (metrics.scores; classification: loss, accuracy,
    macro_f1, examples and the confusion matrix)."""
    return metrics.scores(*predict_outputs(model, batches))


def score_checkpoint(path: str | Path, part: str = "test", device: Device | None = None) -> dict:
    """A checkpoint's scores on a part (test, val, train) of the split recorded with it: the data and split
    come from the checkpoint, so nothing needs repeating and nothing leaks."""
    info = read_info(path)
    if not info.get("split"):
        raise ValueError(f"{path} records no data split (written by an older version): retrain to evaluate it")
    with placement(device):
        model, cfg, class_names = load_checkpoint(path)
        loaders = make_loaders(cfg, Split.from_dict(info["split"]))
        scores = score(model, getattr(loaders, part))
    return {**scores, "split": part, "class_names": class_names, "checkpoint": str(path)}


# ---------------------------------------------------------------- fitting
def set_precision(cfg: Config, device: Device) -> None:
    """bfloat16 on TPUs and on GPUs that have it (compute capability 8.0+), float16 on older GPUs; the CPU
    trains in float32 (mixed precision would only be slower there)."""
    policy = "float32"
    if cfg.mixed_precision and device.kind == "tpu":
        policy = "mixed_bfloat16"
    elif cfg.mixed_precision and device.kind == "gpu" and backend() == "jax":
        import jax

        capability = getattr(jax.devices("gpu")[0], "compute_capability", "0")
        policy = "mixed_bfloat16" if float(capability or 0) >= 8 else "mixed_float16"
    elif cfg.mixed_precision and device.kind == "gpu":
        gpus = tf.config.list_physical_devices("GPU")
        details = tf.config.experimental.get_device_details(gpus[0]) if gpus else {}
        policy = "mixed_bfloat16" if details.get("compute_capability", (0, 0)) >= (8, 0) else "mixed_float16"
    keras.mixed_precision.set_global_policy(policy)


class EpochEnd(keras.callbacks.Callback):
    """Everything that happens once per epoch: validation scores, metrics.jsonl and TensorBoard, the last
    and best checkpoints, early stopping.

    It overrides epoch hooks only: a batch hook would make Keras return to Python after every step.
    """

    def __init__(self, cfg: Config, loaders: Loaders, run_dir: Path, tracker: metrics.Tracker, history: list[dict]):
        super().__init__()
        self.cfg, self.loaders, self.run_dir, self.tracker, self.history = cfg, loaders, run_dir, tracker, history
        self.writer = tf.summary.create_file_writer(str(run_dir))
        self.started = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        epoch += 1  # Keras counts from 0
        train_seconds = time.perf_counter() - self.started
        val = score(self.model, self.loaders.val)
        row = {
            "epoch": epoch,
            "train_loss": float(logs["loss"]),
            **{f"val_{name}": val[name] for name in metrics.VALIDATION},
            "lr": float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)),
            "epoch_seconds": time.perf_counter() - self.started,
            "samples_per_second": len(self.loaders.train.examples) / train_seconds,
        }
        improved = self.tracker.update(epoch, row)
        self.history.append(row)
        metrics.append_metrics(self.run_dir, row)
        with self.writer.as_default():
            for name, value in row.items():
                if name != "epoch":
                    tf.summary.scalar(f"epoch/{name}", value, step=epoch)
        self.writer.flush()
        print(f"epoch {epoch}/{self.cfg.epochs}  {cli.format_metrics(row)}{'  *' if improved else ''}", flush=True)
        training = {
            "tracker": self.tracker.state(),
            "history": self.history,
            "epoch": epoch,
            "random_states": [keras.ops.convert_to_numpy(v).tolist() for v in _seed_states(self.model)],
        }
        save_checkpoint(checkpoint_path(self.run_dir, "last"), self.model, self.cfg, self.loaders.class_names,
                        self.loaders.split, training)  # fmt: skip
        if improved:
            save_checkpoint(checkpoint_path(self.run_dir, "best"), self.model, self.cfg, self.loaders.class_names,
                            self.loaders.split)  # fmt: skip
        if self.tracker.should_stop:
            print(f"early stop: {self.cfg.monitor} has not improved for {self.tracker.stale_epochs} epochs")
            self.model.stop_training = True


def fit_epochs(model: keras.Model, batches: Batches, first: int, last: int, callbacks: list) -> None:
    """Epochs first..last in one fit() call (EpochEnd may stop it early).

    compile_model's steps_per_execution divides the batches of an epoch: Keras runs whole executions,
    so one that did not would carry steps over into the next epoch.
    """
    model.fit(
        batches.epochs(first),
        epochs=last,
        initial_epoch=first - 1,
        steps_per_epoch=batches.steps,
        callbacks=callbacks,
        shuffle=False,  # the pipeline already shuffles, per epoch, with the config's seed
        verbose=0,
    )


def _seed_states(model: keras.Model) -> list:
    """The random-number states of dropout and augmentation layers, in layer order (saved for resume)."""
    return [v for v in model.non_trainable_variables if "seed_generator" in v.path]


def _run_dir(cfg: Config) -> Path:
    """Where this process writes: output_dir on the chief, a scratch folder on other workers."""
    if is_chief():
        return Path(cfg.output_dir)
    # Every worker saves (same code everywhere); only the chief's files are kept.
    index = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
    return Path(cfg.output_dir) / "workers" / f"worker-{index}"


def _fit_multi_worker(model: keras.Model, loaders: Loaders, strategy, first_epoch: int, epoch_end: EpochEnd) -> None:
    """The same training as fit(), as a plain tf.distribute loop (multi-node jobs only).

    Keras 3's fit() fails under MultiWorkerMirroredStrategy (keras-team/keras#20585), so multi-worker
    jobs run this loop instead: same data, loss, optimizer and schedule, and the same EpochEnd callback.
    """
    optimizer = model.optimizer
    with strategy.scope():
        optimizer.build(model.trainable_variables)

    def replica_step(x, y):
        with tf.GradientTape() as tape:
            per_example = loss_fn(y, model(x, training=True))
            loss = tf.nn.compute_average_loss(per_example)  # mean over the global batch
        grads = tape.gradient(optimizer.scale_loss(loss), model.trainable_variables)
        optimizer.apply(grads, model.trainable_variables)
        return tf.reduce_sum(per_example), tf.cast(tf.shape(per_example)[0], tf.float32)

    @tf.function
    def step(x, y):
        return [strategy.reduce("SUM", v, axis=None) for v in strategy.run(replica_step, (x, y))]

    epoch_end.set_model(model)
    for epoch in range(first_epoch, loaders.cfg.epochs + 1):
        epoch_end.on_epoch_begin(epoch - 1)
        total, count = 0.0, 0.0
        for x, y in strategy.experimental_distribute_dataset(loaders.train.epoch(epoch)):
            loss_sum, n = step(x, y)
            total, count = total + float(loss_sum), count + float(n)
        epoch_end.on_epoch_end(epoch - 1, {"loss": total / max(count, 1.0)})
        if model.stop_training:
            break


def _resume_state(cfg: Config, resume: str | Path) -> tuple[Config, Path, dict]:
    path = checkpoint_path(cfg, "last") if str(resume) == "last" else Path(resume)
    info = read_info(path)
    if not info.get("training"):
        raise ValueError(f"{path} has no training state to resume from (use a last.keras written by this project)")
    saved = Config(**info["config"])
    return dataclasses.replace(saved, **{key: getattr(cfg, key) for key in RUNTIME_KEYS}), path, info


# ---------------------------------------------------------------- the loop
def train(cfg: Config, resume: str | Path | None = None) -> TrainResult:
    """Train per cfg; `resume` ("last" or a checkpoint path) continues a run where it stopped."""
    info, resume_path = None, None
    if resume:
        cfg, resume_path, info = _resume_state(cfg, resume)
    # The strategy comes first: multi-worker setup must precede other TensorFlow work.
    device = select_device(cfg.device)
    strategy = make_strategy(device)
    keras.utils.set_random_seed(cfg.seed)
    set_precision(cfg, device)
    replicas = strategy.num_replicas_in_sync
    # Keras on JAX splits each batch evenly between the devices: whole batches only there.
    even = backend() == "jax" and replicas > 1
    loaders = make_loaders(cfg, Split.from_dict(info["split"]) if info else None, replicas, even_batches=even)
    cfg = loaders.cfg
    with strategy.scope():
        if info:
            model = keras.saving.load_model(resume_path)  # weights, optimizer state and schedule position
            # The schedule follows the epochs asked for now (a finished run can be extended).
            model.optimizer.learning_rate = learning_rate_schedule(cfg, loaders.train.steps)
            compile_model(model, cfg, loaders.train.steps, strategy.num_replicas_in_sync, model.optimizer)
            for variable, value in zip(_seed_states(model), info["training"]["random_states"], strict=True):
                variable.assign(value)  # dropout continues its random sequence
        else:
            model = build_model(cfg)
            adapt(model, loaders.train_inputs)
            compile_model(model, cfg, loaders.train.steps, strategy.num_replicas_in_sync)

    run_dir = _run_dir(cfg)
    tracker = metrics.Tracker(cfg.monitor, cfg.early_stopping_patience)
    history, first_epoch = [], 1
    if info:
        tracker = metrics.Tracker(**info["training"]["tracker"])
        if tracker.should_stop:  # a run that stopped early and is resumed gets its patience again
            tracker.stale_epochs = 0
        history, first_epoch = info["training"]["history"], info["training"]["epoch"] + 1
    metrics.restart_metrics(run_dir, first_epoch - 1)
    metrics.write_split(run_dir, loaders.split.to_dict())
    note = imbalance_note(loaders.train.examples)
    if note:
        print(f"note: {note}")
    replicas, policy = strategy.num_replicas_in_sync, keras.mixed_precision.global_policy().name
    sizes = [len(part.examples) for part in (loaders.train, loaders.val, loaders.test)]
    print(
        f"training on {device.name} ({replicas} replica(s), {policy}): "
        f"{sizes[0]} train, {sizes[1]} val, {sizes[2]} test examples"
        + (f"; resuming after epoch {first_epoch - 1}" if info else "")
    )
    epoch_end = EpochEnd(cfg, loaders, run_dir, tracker, history)
    if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        _fit_multi_worker(model, loaders, strategy, first_epoch, epoch_end)
    elif first_epoch <= cfg.epochs:
        fit_epochs(model, loaders.train, first_epoch, cfg.epochs, [epoch_end])
    best = checkpoint_path(run_dir, "best")
    test = finish_run(best, run_dir, tracker.best_epoch, device)
    print(f"best epoch {tracker.best_epoch} ({cfg.monitor} {tracker.best:.4g}); " + describe(test))
    return TrainResult(model, best, history, strategy.num_replicas_in_sync, test, tracker.best_epoch)


{%- endraw %}

{% include "common/run_end.py" %}
{%- raw %}

def main(argv: list[str] | None = None) -> int:
    args = cli.parse(cli.parser(__doc__, training=True), argv)
    cfg = cli.config_from_args(args)
    result = train(cfg, resume=args.resume)
    print(
        f"checkpoints: {result.checkpoint.parent}   metrics: {Path(cfg.output_dir) / metrics.METRICS_FILE}   "
        f"logs: tensorboard --logdir {cfg.output_dir}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
{%- endraw %}
