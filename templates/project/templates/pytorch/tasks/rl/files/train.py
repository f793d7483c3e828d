"""Training: PPO (proximal policy optimisation with a clipped objective) in plain PyTorch. Each iteration
(an "epoch" in the config, metrics.jsonl and TensorBoard) collects a rollout with the current policy, then
makes update_epochs passes over it in minibatches; greedy episodes on validation seeds score it. The best
iteration's checkpoint is kept, training stops early, resumes, and logs like the other starters.

    python -m {{ cookiecutter.package }}.train
        [--config PATH] [--epochs N] [--device D] [--output-dir DIR] [--resume [CHECKPOINT]] [KEY=VALUE ...]

Any config key can be set on the command line, as KEY=VALUE:

    python -m {{ cookiecutter.package }}.train env_id=Acrobot-v1 rollout_steps=4096

environment.py runs the episodes (numpy, shared with the Keras template); model.py gives the network, the
observation statistics and the loss; metrics.py the scores.
"""
{% raw %}
from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import sys
import time
import types
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from . import cli, environment, metrics
from .config import Config
from .data import Batches
from .device import select_device
from .model import (
    adapt,
    as_model_input,
    build_model,
    exported,
    loss_fn,
    small_network_threads,
    targets,
)

CHECKPOINT_SUFFIX = ".pt"
Model = nn.Module
{%- endraw %}
{% include "common/run_files.py" %}
{%- raw %}


def save_checkpoint(
    path: Path,
    model: nn.Module,
    cfg: Config,
    class_names: list[str],
    split=None,
    training: dict | None = None,
) -> Path:
    """Weights plus what rebuilds the agent: the config and the action names, and for resume the optimizer,
    iteration, episode count and random state (`training`). `split` is unused: the agent has no data split."""
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {
        "model": model.state_dict(),
        "config": dataclasses.asdict(cfg),
        "class_names": list(class_names),
        "training": training,
    }
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)  # never leave a half-written checkpoint behind
    return path


def read_checkpoint(path: str | Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}; train first: python -m {__package__}.train")
    return torch.load(path, map_location="cpu", weights_only=True)


def load_checkpoint(path: str | Path, device: torch.device | str = "cpu") -> tuple[nn.Module, Config, list[str]]:
    """(model in eval mode, the config it was trained with, action names)."""
    state = read_checkpoint(path)
    cfg = Config(**state["config"])
    model = build_model(cfg)
    model.load_state_dict(state["model"])
    return model.to(device).eval(), cfg, state["class_names"]


def summary_writer(log_dir: str):
    """A TensorBoard writer, without importing TensorFlow (tensorboard.compat.notf is TensorBoard's own
    switch to its light stub; torch.utils.tensorboard would otherwise import all of TensorFlow)."""
    sys.modules.setdefault("tensorboard.compat.notf", types.ModuleType("tensorboard.compat.notf"))
    from torch.utils.tensorboard import SummaryWriter

    return SummaryWriter(log_dir)



def recorded_split(path: str | Path) -> None:
    """The data split a checkpoint was trained on: the agent has none (its episodes' seeds are its split)."""


# ---------------------------------------------------------------- the policy, as environment.py calls it
def policy_and_value(model: nn.Module, device: torch.device):
    """observations -> (logits, values) as numpy: the rollout's policy."""

    @torch.no_grad()
    def run(observations: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        outputs = model(as_model_input(observations).to(device)).float().cpu().numpy()
        return outputs[:, :-1], outputs[:, -1]

    return run


def greedy_logits(model: nn.Module, device: torch.device):
    """observations -> action logits as numpy, from the network that ships (exported)."""
    policy = exported(model)

    @torch.no_grad()
    def run(observations: np.ndarray) -> np.ndarray:
        return policy(as_model_input(observations).to(device)).float().cpu().numpy()

    return run


# ---------------------------------------------------------------- optimisation
def build_optimizer(model: nn.Module, cfg: Config) -> torch.optim.Optimizer:
    """AdamW with the config's learning rate and weight decay; eps 1e-5, PPO's usual (as in Keras)."""
    return torch.optim.AdamW(model.parameters(), lr=cfg.learning_rate, weight_decay=cfg.weight_decay, eps=1e-5)


def iteration_learning_rate(cfg: Config, iteration: int) -> float:
    """cfg.lr_schedule per iteration (1-based): rollouts differ in length, so the schedule counts iterations
    (warmup_epochs of them), not optimizer steps."""
    warmup = min(cfg.epochs, round(cfg.warmup_epochs))
    return cfg.learning_rate * metrics.learning_rate_factor(iteration - 1, cfg.epochs, warmup, cfg.lr_schedule)


def loss_settings(cfg: Config) -> dict:
    """The config's PPO coefficients, as loss_fn takes them."""
    return {"clip_range": cfg.clip_range, "value_coef": cfg.value_coef, "entropy_coef": cfg.entropy_coef}


def autocast_dtype(cfg: Config, device: torch.device) -> torch.dtype | None:
    """bfloat16 on GPUs that have it (Ampere and later, Intel GPUs), float16 on older CUDA GPUs, else none."""
    if not cfg.mixed_precision:
        return None
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device.type == "xpu":
        return torch.bfloat16
    return None


def train_step(
    model: nn.Module,
    batch: tuple[torch.Tensor, torch.Tensor],
    optimizer: torch.optim.Optimizer,
    scaler: torch.amp.GradScaler,
    device: torch.device,
    amp_dtype: torch.dtype | None = None,
    clip_norm: float = 0.0,
    **settings,
) -> torch.Tensor:
    """Forward, PPO loss (loss_settings: clip_range, value_coef, entropy_coef), backward, clip, update;
    returns the (detached) mean loss of the minibatch."""
    inputs, labels = (t.to(device, non_blocking=True) for t in batch)
    optimizer.zero_grad(set_to_none=True)
    with torch.autocast(device.type, dtype=amp_dtype) if amp_dtype else contextlib.nullcontext():
        loss = loss_fn(targets(inputs, labels), model(inputs), **settings).mean()
    scaler.scale(loss).backward()  # the scaler is a no-op unless float16 needs it
    if clip_norm > 0:
        scaler.unscale_(optimizer)
        nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
    scaler.step(optimizer)
    scaler.update()
    return loss.detach()


def update(model, batches, optimizer, scaler, device, cfg, amp_dtype, first_pass: int) -> tuple[float, int]:
    """update_epochs passes over a rollout (passes first_pass, first_pass + 1, ...); (mean loss, steps)."""
    model.train()
    total, count, settings = torch.zeros((), device=device), 0, loss_settings(cfg)
    for k in range(cfg.update_epochs):
        batches.set_epoch(first_pass + k)
        for batch in batches:
            total += train_step(model, batch, optimizer, scaler, device, amp_dtype, cfg.grad_clip_norm, **settings)
            count += 1
    return (total / max(count, 1)).item(), count


# ---------------------------------------------------------------- scores
def score_checkpoint(
    path: str | Path, part: str = "test", device: torch.device | str = "cpu", episodes: int | None = None
) -> dict:
    """A checkpoint's greedy episodes on a part's seeds (test: seeds training never used; val: the validation
    episodes): metrics.scores of their returns, with the part, action names and checkpoint."""
    small_network_threads()
    model, cfg, class_names = load_checkpoint(path, device)
    count = episodes if episodes is not None else (cfg.test_episodes if part == "test" else cfg.eval_episodes)
    seeds = environment.episode_seeds(cfg.seed, part, 0, count)
    returns, seen = environment.greedy_episodes(
        environment.make_envs(cfg.env_id, count), greedy_logits(model, torch.device(device)), seeds
    )
    scores = metrics.scores(seeds, returns, [len(s) for s in seen])
    return {**scores, "split": part, "class_names": class_names, "checkpoint": str(path)}


def finish_run(best: Path, run_dir: Path, best_epoch: int, device=None) -> dict | None:
    """The best checkpoint's greedy episodes on the test seeds: the last line of metrics.jsonl (with the
    seeds, to replay them) and test_episodes.csv."""
    test = score_checkpoint(best, "test", device or "cpu")
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
def _resume_state(cfg: Config, resume: str | Path) -> tuple[Config, dict]:
    path = checkpoint_path(cfg, "last") if str(resume) == "last" else Path(resume)
    state = read_checkpoint(path)
    if not state.get("training"):
        raise ValueError(f"{path} has no training state to resume from (use a last.pt written by this project)")
    saved = Config(**state["config"])
    return dataclasses.replace(saved, **{key: getattr(cfg, key) for key in RUNTIME_KEYS}), state


def train(cfg: Config, resume: str | Path | None = None) -> TrainResult:
    """Train per cfg; `resume` ("last" or a checkpoint path) continues a run where it stopped."""
    state = None
    if resume:
        cfg, state = _resume_state(cfg, resume)
    environment.check_config(cfg)
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        raise ValueError("the rl starter trains in one process (its rollouts step environments): run it directly")
    torch.manual_seed(cfg.seed)  # initial weights; rollouts and minibatch orders are seeded in numpy
    device = select_device(cfg.device)
    if device.type == "cpu":
        small_network_threads()
    spec = environment.spec(cfg.env_id)
    model = build_model(cfg)
    if state:
        model.load_state_dict(state["model"])
    else:
        adapt(model, environment.random_experience(cfg).observations)
    model = model.to(device)
    optimizer = build_optimizer(model, cfg)
    amp_dtype = autocast_dtype(cfg, device)
    scaler = torch.amp.GradScaler(device.type, enabled=amp_dtype == torch.float16)
    tracker = metrics.Tracker(cfg.monitor, cfg.early_stopping_patience)
    history, start, episodes, step = [], 0, 0, 0
    if state:
        training = state["training"]
        optimizer.load_state_dict(training["optimizer"])
        scaler.load_state_dict(training["scaler"])
        tracker = metrics.Tracker(**training["tracker"])
        if tracker.should_stop:  # a run that stopped early and is resumed gets its patience again
            tracker.stale_epochs = 0
        history, start, episodes, step = training["history"], training["epoch"], training["episodes"], training["step"]
        torch.set_rng_state(training["rng"])
    run_dir = Path(cfg.output_dir)
    writer = summary_writer(str(run_dir))
    metrics.restart_metrics(run_dir, start)
    print(
        f"training on {device}: PPO on {cfg.env_id} ({spec.observation_size} observations, {spec.actions} actions), "
        f"{cfg.num_envs} environments, at least {cfg.rollout_steps} steps per iteration"
        + (f"; resuming after iteration {start}" if state else "")
    )

    envs = environment.make_envs(cfg.env_id, cfg.num_envs)
    val_envs = environment.make_envs(cfg.env_id, cfg.eval_episodes)
    val_seeds = environment.episode_seeds(cfg.seed, "val", 0, cfg.eval_episodes)
    started_episodes = itertools.count(episodes)  # training episode k runs on training seed k

    def next_seed() -> int:
        return environment.episode_seeds(cfg.seed, "train", next(started_episodes), 1)[0]

    for iteration in range(start + 1, cfg.epochs + 1):
        started = time.perf_counter()
        rate = iteration_learning_rate(cfg, iteration)
        for group in optimizer.param_groups:
            group["lr"] = rate
        model.eval()
        rollout = environment.collect_rollout(
            envs, policy_and_value(model, device), cfg.rollout_steps, next_seed,
            np.random.default_rng([cfg.seed, iteration]), cfg.gamma, cfg.gae_lambda,
        )  # fmt: skip
        episodes += len(rollout.episode_returns)
        batches = Batches.of(rollout, cfg)
        first_pass = (iteration - 1) * cfg.update_epochs + 1
        train_loss, steps = update(model, batches, optimizer, scaler, device, cfg, amp_dtype, first_pass)
        step += steps
        train_seconds = time.perf_counter() - started
        model.eval()
        val_returns, _ = environment.greedy_episodes(val_envs, greedy_logits(model, device), val_seeds)
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
        for name, value in row.items():
            if name != "epoch":
                writer.add_scalar(f"epoch/{name}", value, iteration)
        print(f"iteration {iteration}/{cfg.epochs}  {cli.format_metrics(row)}{'  *' if improved else ''}", flush=True)
        training = {
            "optimizer": optimizer.state_dict(),
            "scaler": scaler.state_dict(),
            "tracker": tracker.state(),
            "history": history,
            "epoch": iteration,
            "episodes": episodes,
            "step": step,
            "rng": torch.get_rng_state(),
        }
        names = spec.action_names
        save_checkpoint(checkpoint_path(cfg, "last"), model, cfg, names, training=training)
        if improved:
            save_checkpoint(checkpoint_path(cfg, "best"), model, cfg, names)
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
