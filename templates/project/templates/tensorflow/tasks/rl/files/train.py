"""Training: PPO (proximal policy optimisation with a clipped objective) with Keras and a compiled TensorFlow
step. Each iteration (an "epoch" in the config, metrics.jsonl and TensorBoard) collects a rollout with the
current policy, then makes update_epochs passes over it in minibatches; greedy episodes on validation seeds
score it. The best iteration's checkpoint is kept, training stops early, resumes, and logs like the other
starters.

    python -m {{ cookiecutter.package }}.train
        [--config PATH] [--epochs N] [--device D] [--output-dir DIR] [--resume [CHECKPOINT]] [KEY=VALUE ...]

Any config key can be set on the command line, as KEY=VALUE:

    python -m {{ cookiecutter.package }}.train env_id=Acrobot-v1 rollout_steps=4096

environment.py runs the episodes (numpy, shared with the PyTorch template); model.py gives the compiled
network, the observation statistics and the loss; metrics.py the scores.
"""
{% raw %}
from __future__ import annotations

import dataclasses
import itertools
import json
import os
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from . import cli, environment, metrics
from .config import Config
from .data import Batches
from .device import Device, require_backend, select_device
from .model import adapt, build_model, compile_model, exported, loss_fn

CHECKPOINT_SUFFIX = ".keras"
Model = keras.Model
{%- endraw %}
{% include "common/run_files.py" %}
{%- raw %}


def _info_path(checkpoint: Path) -> Path:
    # What a .keras file cannot hold: the config, action names and training progress.
    return Path(checkpoint).with_suffix(".json")


def save_checkpoint(
    path: Path,
    model: keras.Model,
    cfg: Config,
    class_names: list[str],
    split=None,
    training: dict | None = None,
) -> Path:
    """The model with its optimizer state (.keras), and beside it (.json) the config, action names and, for
    resume, the iteration, episode count and early-stopping state (`training`). `split` is unused: the agent
    has no data split."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if model.optimizer is not None and not model.optimizer.built:  # keep the optimizer state in the file
        model.optimizer.build(model.trainable_variables)
    info = {"config": dataclasses.asdict(cfg), "class_names": list(class_names), "training": training}
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


def load_checkpoint(path: str | Path) -> tuple[keras.Model, Config, list[str]]:
    """(model, the config it was trained with, action names)."""
    info = read_info(path)
    return keras.saving.load_model(path), Config(**info["config"]), info["class_names"]



def recorded_split(path: str | Path) -> None:
    """The data split a checkpoint was trained on: the agent has none (its episodes' seeds are its split)."""


# ---------------------------------------------------------------- the policy, as environment.py calls it
_INFERENCE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _inference(model: keras.Model):
    """The model's forward pass in inference mode, compiled once per model: a rollout calls it every step."""
    if model not in _INFERENCE:
        held = weakref.ref(model)  # a strong reference here would keep the model alive forever
        _INFERENCE[model] = tf.function(lambda x: held()(x, training=False), reduce_retracing=True)
    return _INFERENCE[model]


def policy_and_value(model: keras.Model):
    """observations -> (logits, values) as numpy: the rollout's policy."""
    forward = _inference(model)

    def run(observations: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        outputs = forward(tf.constant(observations)).numpy()
        return outputs[:, :-1], outputs[:, -1]

    return run


def greedy_logits(policy: keras.Model):
    """observations -> action logits as numpy, from the network that ships (model.exported(model))."""
    forward = _inference(policy)

    def run(observations: np.ndarray, policy=policy) -> np.ndarray:  # holds the policy: _inference does not
        return forward(tf.constant(observations)).numpy()

    return run


# ---------------------------------------------------------------- optimisation
def set_precision(cfg: Config, device: Device) -> None:
    """bfloat16 on TPUs and on GPUs that have it (compute capability 8.0+), float16 on older GPUs; the CPU
    trains in float32 (mixed precision would only be slower there)."""
    policy = "float32"
    if cfg.mixed_precision and device.kind == "tpu":
        policy = "mixed_bfloat16"
    elif cfg.mixed_precision and device.kind == "gpu":
        gpus = tf.config.list_physical_devices("GPU")
        details = tf.config.experimental.get_device_details(gpus[0]) if gpus else {}
        policy = "mixed_bfloat16" if details.get("compute_capability", (0, 0)) >= (8, 0) else "mixed_float16"
    keras.mixed_precision.set_global_policy(policy)


def iteration_learning_rate(cfg: Config, iteration: int) -> float:
    """cfg.lr_schedule per iteration (1-based): rollouts differ in length, so the schedule counts iterations
    (warmup_epochs of them), not optimizer steps."""
    warmup = min(cfg.epochs, round(cfg.warmup_epochs))
    return cfg.learning_rate * metrics.learning_rate_factor(iteration - 1, cfg.epochs, warmup, cfg.lr_schedule)


def loss_settings(cfg: Config) -> dict:
    """The config's PPO coefficients, as loss_fn takes them."""
    return {"clip_range": cfg.clip_range, "value_coef": cfg.value_coef, "entropy_coef": cfg.entropy_coef}


def make_train_step(model: keras.Model, cfg: Config):
    """One compiled minibatch step: forward, PPO loss, gradients, the optimizer's update (clipping and weight
    decay included); returns the mean loss. Any minibatch size runs the same trace."""
    optimizer, settings = model.optimizer, loss_settings(cfg)
    size = model.input_shape[-1]
    signature = [tf.TensorSpec([None, size], tf.float32), tf.TensorSpec([None, 4], tf.float32)]

    @tf.function(input_signature=signature)
    def step(observations, targets):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(loss_fn(targets, model(observations, training=True), **settings))
        grads = tape.gradient(optimizer.scale_loss(loss), model.trainable_variables)
        optimizer.apply(grads, model.trainable_variables)
        return loss

    return step


def update(step, batches: Batches, cfg: Config, first_pass: int) -> tuple[float, int]:
    """update_epochs passes over a rollout (passes first_pass, first_pass + 1, ...); (mean loss, steps)."""
    losses = []
    for k in range(cfg.update_epochs):
        batches.set_epoch(first_pass + k)
        losses += [step(inputs, targets) for inputs, targets in batches]
    return float(tf.reduce_mean(losses)) if losses else float("nan"), len(losses)

# Why this starter needs Keras' TensorFlow backend (README.md, "The JAX backend").
RL_WHY = "its update step and rollouts call TensorFlow: tf.GradientTape, tf.function"


# ---------------------------------------------------------------- scores
def score_checkpoint(path: str | Path, part: str = "test", device: Device | None = None, episodes: int | None = None):
    """A checkpoint's greedy episodes on a part's seeds (test: seeds training never used; val: the validation
    episodes): metrics.scores of their returns, with the part, action names and checkpoint."""
    require_backend("the reinforcement-learning starter", ("tensorflow",), RL_WHY)
    with tf.device(device.name if device else None):
        model, cfg, class_names = load_checkpoint(path)
        count = episodes if episodes is not None else (cfg.test_episodes if part == "test" else cfg.eval_episodes)
        seeds = environment.episode_seeds(cfg.seed, part, 0, count)
        returns, seen = environment.greedy_episodes(
            environment.make_envs(cfg.env_id, count), greedy_logits(exported(model)), seeds
        )
    scores = metrics.scores(seeds, returns, [len(s) for s in seen])
    return {**scores, "split": part, "class_names": class_names, "checkpoint": str(path)}


def finish_run(best: Path, run_dir: Path, best_epoch: int, device=None) -> dict | None:
    """The best checkpoint's greedy episodes on the test seeds: the last line of metrics.jsonl (with the
    seeds, to replay them) and test_episodes.csv."""
    test = score_checkpoint(best, "test", device)
    if not test["episodes"]:
        return None
    row = {"split": "test", "epoch": best_epoch, **{k: test[k] for k in metrics.REPORTED}, "seeds": test["seeds"],
           "checkpoint": str(best)}  # fmt: skip
    metrics.append_metrics(run_dir, row)
    metrics.write_score_files(run_dir, test, test["class_names"])
    return test


def describe(scores: dict | None) -> str:
    return metrics.describe_scores(scores) if scores else "no test episodes (test_episodes is 0)"


# ---------------------------------------------------------------- the loop
def _resume_state(cfg: Config, resume: str | Path) -> tuple[Config, Path, dict]:
    path = checkpoint_path(cfg, "last") if str(resume) == "last" else Path(resume)
    info = read_info(path)
    if not info.get("training"):
        raise ValueError(f"{path} has no training state to resume from (use a last.keras written by this project)")
    saved = Config(**info["config"])
    return dataclasses.replace(saved, **{key: getattr(cfg, key) for key in RUNTIME_KEYS}), path, info


def train(cfg: Config, resume: str | Path | None = None) -> TrainResult:
    """Train per cfg; `resume` ("last" or a checkpoint path) continues a run where it stopped."""
    require_backend("the reinforcement-learning starter", ("tensorflow",), RL_WHY)
    info, resume_path = None, None
    if resume:
        cfg, resume_path, info = _resume_state(cfg, resume)
    environment.check_config(cfg)
    if "TF_CONFIG" in os.environ:
        raise ValueError("the rl starter trains in one process (its rollouts step environments): run it directly")
    device = select_device(cfg.device)
    keras.utils.set_random_seed(cfg.seed)  # initial weights; rollouts and minibatch orders are seeded in numpy
    set_precision(cfg, device)
    spec = environment.spec(cfg.env_id)
    with tf.device(device.name):
        if info:
            model = keras.saving.load_model(resume_path)  # weights and optimizer state
            compile_model(model, cfg, model.optimizer)
        else:
            model = build_model(cfg)
            adapt(model, environment.random_experience(cfg).observations)
        step = make_train_step(model, cfg)
    tracker = metrics.Tracker(cfg.monitor, cfg.early_stopping_patience)
    history, start, episodes = [], 0, 0
    if info:
        training = info["training"]
        tracker = metrics.Tracker(**training["tracker"])
        if tracker.should_stop:  # a run that stopped early and is resumed gets its patience again
            tracker.stale_epochs = 0
        history, start, episodes = training["history"], training["epoch"], training["episodes"]
    run_dir = Path(cfg.output_dir)
    writer = tf.summary.create_file_writer(str(run_dir))
    metrics.restart_metrics(run_dir, start)
    print(
        f"training on {device.name} ({keras.mixed_precision.global_policy().name}): PPO on {cfg.env_id} "
        f"({spec.observation_size} observations, {spec.actions} actions), {cfg.num_envs} environments, at least "
        f"{cfg.rollout_steps} steps per iteration" + (f"; resuming after iteration {start}" if info else "")
    )

    envs = environment.make_envs(cfg.env_id, cfg.num_envs)
    val_envs = environment.make_envs(cfg.env_id, cfg.eval_episodes)
    val_seeds = environment.episode_seeds(cfg.seed, "val", 0, cfg.eval_episodes)
    started_episodes = itertools.count(episodes)  # training episode k runs on training seed k
    act, greedy = policy_and_value(model), greedy_logits(exported(model))

    def next_seed() -> int:
        return environment.episode_seeds(cfg.seed, "train", next(started_episodes), 1)[0]

    for iteration in range(start + 1, cfg.epochs + 1):
        started = time.perf_counter()
        rate = iteration_learning_rate(cfg, iteration)
        model.optimizer.learning_rate = rate
        with tf.device(device.name):
            rollout = environment.collect_rollout(
                envs, act, cfg.rollout_steps, next_seed, np.random.default_rng([cfg.seed, iteration]),
                cfg.gamma, cfg.gae_lambda,
            )  # fmt: skip
            episodes += len(rollout.episode_returns)
            first_pass = (iteration - 1) * cfg.update_epochs + 1
            train_loss, _ = update(step, Batches.of(rollout, cfg), cfg, first_pass)
            train_seconds = time.perf_counter() - started
            val_returns, _ = environment.greedy_episodes(val_envs, greedy, val_seeds)
        row = {
            "epoch": iteration,
            "train_loss": train_loss,
            "mean_return": float(rollout.episode_returns.mean()),
            "episodes": len(rollout.episode_returns),
            "steps": len(rollout),
            "val_mean_return": float(val_returns.mean()),
            "lr": rate,
            "epoch_seconds": time.perf_counter() - started,
            "samples_per_second": len(rollout) / train_seconds,
        }
        improved = tracker.update(iteration, row)
        history.append(row)
        metrics.append_metrics(run_dir, row)
        with writer.as_default():
            for name, value in row.items():
                if name != "epoch":
                    tf.summary.scalar(f"epoch/{name}", value, step=iteration)
        writer.flush()
        print(f"iteration {iteration}/{cfg.epochs}  {cli.format_metrics(row)}{'  *' if improved else ''}", flush=True)
        training = {"tracker": tracker.state(), "history": history, "epoch": iteration, "episodes": episodes}
        save_checkpoint(checkpoint_path(cfg, "last"), model, cfg, spec.action_names, training=training)
        if improved:
            save_checkpoint(checkpoint_path(cfg, "best"), model, cfg, spec.action_names)
        if tracker.should_stop:
            print(f"early stop: {cfg.monitor} has not improved for {tracker.stale_epochs} iterations")
            break

    writer.close()
    best = checkpoint_path(cfg, "best")
    test = finish_run(best, run_dir, tracker.best_epoch, device)
    print(f"best iteration {tracker.best_epoch} ({cfg.monitor} {tracker.best:.4g}); " + describe(test))
    return TrainResult(model, best, history, 1, test, tracker.best_epoch)


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
