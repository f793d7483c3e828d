"""Training: a plain PyTorch loop with a warm-up + cosine schedule, gradient clipping, bf16/fp16 autocast on
GPUs, the best checkpoint by a monitored metric, early stopping, resume, metrics.jsonl, TensorBoard logs,
and DDP under torchrun.

    python -m {{ cookiecutter.package }}.train
        [--config PATH] [--data-dir DIR] [--epochs N] [--device D] [--output-dir DIR]
        [--resume [CHECKPOINT]] [KEY=VALUE ...]

Any config key can be set on the command line, as KEY=VALUE:

    python -m {{ cookiecutter.package }}.train learning_rate=0.003 batch_size=64

The loop knows nothing about the task: model.py gives the network, the input statistics, the augmentation
and the loss; metrics.py the scores.
"""
{% raw %}
from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import sys
import time
import types
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from . import cli, metrics
from .config import Config
from .data import Batches, make_loaders
from .device import select_device
from .model import adapt, build_model, loss_fn, targets
from .sources import Split, imbalance_note

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
    split: Split | None = None,
    training: dict | None = None,
) -> Path:
    """Weights plus what rebuilds and re-scores the model: config, class names, the data split, and for
    resume the optimizer, schedule, epoch and random state (`training`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {
        "model": model.state_dict(),
        "config": dataclasses.asdict(cfg),
        "class_names": list(class_names),
        "split": split.to_dict() if split else None,
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


def recorded_split(path: str | Path) -> Split | None:
    """The data split a checkpoint was trained on (None for a checkpoint saved without one)."""
    state = read_checkpoint(path)
    return Split.from_dict(state["split"]) if state.get("split") else None


def load_checkpoint(path: str | Path, device: torch.device | str = "cpu") -> tuple[nn.Module, Config, list[str]]:
    """(model in eval mode, the config it was trained with, class names)."""
    state = read_checkpoint(path)
    cfg = Config(**state["config"])
    model = build_model(cfg)
    model.load_state_dict(state["model"])
    return model.to(device).eval(), cfg, state["class_names"]


# ---------------------------------------------------------------- logging
def summary_writer(log_dir: str):
    """A TensorBoard writer, without importing TensorFlow.

    torch.utils.tensorboard otherwise imports all of TensorFlow when it happens to be installed
    (seconds of start-up); `tensorboard.compat.notf` is TensorBoard's own switch to its light stub.
    """
    sys.modules.setdefault("tensorboard.compat.notf", types.ModuleType("tensorboard.compat.notf"))
    from torch.utils.tensorboard import SummaryWriter

    return SummaryWriter(log_dir)


# ---------------------------------------------------------------- distributed
def setup_distributed() -> tuple[int, int, int, bool]:
    """(rank, world size, local rank, whether we started the process group) from torchrun's env."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if world <= 1 or dist.is_initialized():
        return rank, world, local_rank, False
    # NCCL on NVIDIA/AMD GPUs, XCCL on Intel GPUs; gloo runs anywhere (the tests use it on CPU).
    if torch.cuda.is_available():
        torch.cuda.set_device(local_rank)
        backend = "nccl"
    elif hasattr(torch, "xpu") and torch.xpu.is_available():
        torch.xpu.set_device(local_rank)
        backend = "xccl"
    else:
        backend = "gloo"
    dist.init_process_group(backend)
    return rank, world, local_rank, True


# ---------------------------------------------------------------- optimisation
def build_optimizer(model: nn.Module, cfg: Config) -> torch.optim.Optimizer:
    """AdamW with the config's learning rate and weight decay (the tests use this very function)."""
    return torch.optim.AdamW(model.parameters(), lr=cfg.learning_rate, weight_decay=cfg.weight_decay)


@dataclass(frozen=True)
class Schedule:
    """cfg.lr_schedule per optimizer step (metrics.learning_rate_factor); the step count is its only state,
    so a resumed run needs nothing but the epoch. Set directly: LambdaLR costs more per step."""

    learning_rate: float
    total_steps: int
    warmup_steps: int
    kind: str

    @classmethod
    def for_run(cls, cfg: Config, steps_per_epoch: int) -> Schedule:
        total = cfg.epochs * steps_per_epoch
        return cls(cfg.learning_rate, total, min(total, round(cfg.warmup_epochs * steps_per_epoch)), cfg.lr_schedule)

    def apply(self, optimizer: torch.optim.Optimizer, step: int) -> float:
        """Set the learning rate of optimizer step `step` (0-based); returns it."""
        rate = self.learning_rate * metrics.learning_rate_factor(step, self.total_steps, self.warmup_steps, self.kind)
        for group in optimizer.param_groups:
            group["lr"] = rate
        return rate


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
) -> torch.Tensor:
    """Forward, backward, clip, update; returns the (detached) mean loss of the batch."""
    inputs, labels = (t.to(device, non_blocking=True) for t in batch)
    optimizer.zero_grad(set_to_none=True)
    with torch.autocast(device.type, dtype=amp_dtype) if amp_dtype else contextlib.nullcontext():
        loss = loss_fn(targets(inputs, labels), model(inputs)).mean()
    scaler.scale(loss).backward()  # the scaler is a no-op unless float16 needs it
    if clip_norm > 0:
        scaler.unscale_(optimizer)
        nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
    scaler.step(optimizer)
    scaler.update()
    return loss.detach()


@torch.no_grad()
def predict_outputs(model: nn.Module, batches: Batches, device: torch.device) -> tuple[np.ndarray, np.ndarray]:
    """(targets, outputs) of a whole split, in its order, on the CPU (classification: labels and logits)."""
    model.eval()
    wanted, outputs = [], []
    for inputs, labels in batches:
        outputs.append(model(inputs.to(device, non_blocking=True)).float().cpu())
        wanted.append(targets(inputs, labels))
    if not wanted:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
    return torch.cat(wanted).numpy(), torch.cat(outputs).numpy()


def score(model: nn.Module, batches: Batches, device: torch.device) -> dict:
    """The objective's scores of the model on a split (metrics.scores; classification: loss, accuracy,
    macro_f1, examples and the confusion matrix)."""
    return metrics.scores(*predict_outputs(model, batches, device))


def score_checkpoint(path: str | Path, part: str = "test", device: torch.device | str = "cpu") -> dict:
    """A checkpoint's scores on a part (test, val, train) of the split recorded with it: the data and split
    come from the checkpoint, so nothing needs repeating and nothing leaks."""
    state = read_checkpoint(path)
    if not state.get("split"):
        raise ValueError(f"{path} records no data split (written by an older version): retrain to evaluate it")
    model, cfg, class_names = load_checkpoint(path, device)
    loaders = make_loaders(dataclasses.replace(cfg, device=str(device)), Split.from_dict(state["split"]))
    scores = score(model, getattr(loaders, part), torch.device(device))
    return {**scores, "split": part, "class_names": class_names, "checkpoint": str(path)}


# ---------------------------------------------------------------- the loop
def train_epoch(model, batches, optimizer, schedule, scaler, device, cfg, amp_dtype, writer, step):
    """One pass over the training batches; returns (mean loss as a tensor, global step)."""
    model.train()
    # Summed on the device, and step losses logged after the epoch: .item() or a TensorBoard write every
    # few steps would wait for the GPU, or for TensorBoard's writer thread, each time.
    total, count, logged = torch.zeros((), device=device), 0, []
    for batch in batches:
        schedule.apply(optimizer, step)
        loss = train_step(model, batch, optimizer, scaler, device, amp_dtype, cfg.grad_clip_norm)
        total += loss
        count += 1
        step += 1
        if writer and step % cfg.log_every == 0:
            logged.append((step, loss))
    for logged_step, loss in logged:
        writer.add_scalar("step/train_loss", loss.item(), logged_step)
    return total / max(count, 1), step


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
    rank, world, local_rank, started_group = setup_distributed()
    is_main = rank == 0
    torch.manual_seed(cfg.seed)  # same initial weights on every rank

    device = select_device(cfg.device)
    one_gpu_per_process = world > 1 and device.type in ("cuda", "xpu")
    if one_gpu_per_process:
        device = torch.device(device.type, local_rank)
    loaders = make_loaders(cfg, Split.from_dict(state["split"]) if state else None)
    cfg = loaders.cfg
    model = build_model(cfg)
    if state:
        model.load_state_dict(state["model"])
    else:
        adapt(model, loaders.train_inputs)
    model = trained = model.to(device)
    if world > 1:
        model = DistributedDataParallel(model, device_ids=[local_rank] if one_gpu_per_process else None)

    optimizer = build_optimizer(model, cfg)
    schedule = Schedule.for_run(cfg, len(loaders.train))
    amp_dtype = autocast_dtype(cfg, device)
    scaler = torch.amp.GradScaler(device.type, enabled=amp_dtype == torch.float16)
    tracker = metrics.Tracker(cfg.monitor, cfg.early_stopping_patience)
    history, start_epoch = [], 0
    if state:
        training = state["training"]
        optimizer.load_state_dict(training["optimizer"])
        scaler.load_state_dict(training["scaler"])
        tracker = metrics.Tracker(**training["tracker"])
        if tracker.should_stop:  # a run that stopped early and is resumed gets its patience again
            tracker.stale_epochs = 0
        history, start_epoch = training["history"], training["epoch"]
        torch.set_rng_state(training["rng"])
    run_dir = Path(cfg.output_dir)
    writer = summary_writer(str(run_dir)) if is_main else None
    if is_main:
        metrics.restart_metrics(run_dir, start_epoch)
        metrics.write_split(run_dir, loaders.split.to_dict())
        note = imbalance_note(loaders.train.examples)
        if note:
            print(f"note: {note}")
        processes = f"{world} process{'es' if world > 1 else ''}"
        print(
            f"training on {device} ({processes}{', ' + str(amp_dtype).removeprefix('torch.') if amp_dtype else ''}): "
            f"{len(loaders.train.examples)} train, {len(loaders.val.examples)} val, "
            f"{len(loaders.test.examples)} test examples"
            + (f"; resuming after epoch {start_epoch}" if state else "")
        )

    step = start_epoch * len(loaders.train)
    for epoch in range(start_epoch + 1, cfg.epochs + 1):
        started = time.perf_counter()
        loaders.train.set_epoch(epoch)
        epoch_loss, step = train_epoch(
            model, loaders.train, optimizer, schedule, scaler, device, cfg, amp_dtype, writer, step
        )
        if world > 1:
            dist.all_reduce(epoch_loss)  # mean over all ranks, not just rank 0's shard
            epoch_loss /= world
        train_seconds = time.perf_counter() - started
        stop = torch.zeros((), dtype=torch.int64)
        if is_main:
            val = score(trained, loaders.val, device)
            row = {
                "epoch": epoch,
                "train_loss": epoch_loss.item(),
                **{f"val_{name}": val[name] for name in metrics.VALIDATION},
                "lr": optimizer.param_groups[0]["lr"],
                "epoch_seconds": time.perf_counter() - started,
                "samples_per_second": loaders.train.shard_size * world / train_seconds,
            }
            improved = tracker.update(epoch, row)
            history.append(row)
            metrics.append_metrics(run_dir, row)
            for name, value in row.items():
                if name != "epoch":
                    writer.add_scalar(f"epoch/{name}", value, epoch)
            print(f"epoch {epoch}/{cfg.epochs}  {cli.format_metrics(row)}{'  *' if improved else ''}", flush=True)
            training = {
                "optimizer": optimizer.state_dict(),
                "step": step,
                "scaler": scaler.state_dict(),
                "tracker": tracker.state(),
                "history": history,
                "epoch": epoch,
                "rng": torch.get_rng_state(),
            }
            save_checkpoint(checkpoint_path(cfg, "last"), trained, cfg, loaders.class_names, loaders.split, training)
            if improved:
                save_checkpoint(checkpoint_path(cfg, "best"), trained, cfg, loaders.class_names, loaders.split)
            stop.fill_(int(tracker.should_stop))
        if world > 1:
            dist.broadcast(stop, 0)  # every rank stops together
        if stop:
            if is_main:
                print(f"early stop: {cfg.monitor} has not improved for {tracker.stale_epochs} epochs")
            break

    test, best = None, None
    if is_main:
        writer.close()
        best = checkpoint_path(cfg, "best")
        test = finish_run(best, run_dir, tracker.best_epoch, device)
        print(f"best epoch {tracker.best_epoch} ({cfg.monitor} {tracker.best:.4g}); " + describe(test))
    if world > 1:
        dist.barrier()  # the other ranks wait while rank 0 scores the test split
        # DDP's reducer holds work of the process group: release it first, or a rank can abort at exit.
        del model
        gc.collect()
    if started_group:
        dist.destroy_process_group()
    return TrainResult(trained, best, history, world, test, tracker.best_epoch)


{%- endraw %}

{% include "common/run_end.py" %}
{%- raw %}

def main(argv: list[str] | None = None) -> int:
    args = cli.parse(cli.parser(__doc__, training=True), argv)
    cfg = cli.config_from_args(args)
    result = train(cfg, resume=args.resume)
    if result.checkpoint:
        print(
            f"checkpoints: {result.checkpoint.parent}   metrics: {Path(cfg.output_dir) / metrics.METRICS_FILE}   "
            f"logs: tensorboard --logdir {cfg.output_dir}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
{%- endraw %}
