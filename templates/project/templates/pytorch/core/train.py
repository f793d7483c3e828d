"""Training: a plain PyTorch loop with AMP on CUDA, TensorBoard logs, checkpoints and DDP under torchrun.

    python -m {{ cookiecutter.package }}.train
        [--config PATH] [--epochs N] [--data-dir DIR] [--device D] [--output-dir DIR]

The loop knows nothing about the task: model.py gives the network, the loss and the metrics.
"""
{% raw %}
from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler

from . import cli
from .config import Config
from .data import make_loaders
from .device import select_device
from .model import METRICS, build_model, loss_fn

CHECKPOINT_NAME = "last.pt"


@dataclass
class TrainResult:
    model: nn.Module  # the trained model (unwrapped from DDP)
    checkpoint: Path | None  # None on ranks other than 0
    history: list[dict] = field(default_factory=list)  # per epoch: epoch, train_loss, val_loss, val_<metric>...
    replicas: int = 1  # processes that trained together

    @property
    def final(self) -> dict:
        """Last-epoch metrics."""
        return self.history[-1] if self.history else {}


# ---------------------------------------------------------------- checkpoints
def checkpoint_path(cfg: Config) -> Path:
    return Path(cfg.output_dir) / "checkpoints" / CHECKPOINT_NAME


def save_checkpoint(path: Path, model: nn.Module, cfg: Config, class_names: list[str]) -> Path:
    """Weights plus everything needed to rebuild the model (config, class names)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {"model": model.state_dict(), "config": dataclasses.asdict(cfg), "class_names": list(class_names)}
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)  # never leave a half-written checkpoint behind
    return path


def load_checkpoint(path: str | Path, device: torch.device | str = "cpu") -> tuple[nn.Module, Config, list[str]]:
    """(model in eval mode, the config it was trained with, class names)."""
    state = torch.load(path, map_location=device, weights_only=True)
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


# ---------------------------------------------------------------- steps, epochs, validation
def train_step(
    model: nn.Module,
    batch: tuple[torch.Tensor, torch.Tensor],
    optimizer: torch.optim.Optimizer,
    scaler: torch.amp.GradScaler,
    device: torch.device,
    amp: bool = False,
) -> torch.Tensor:
    """Forward, backward, update; returns the (detached) mean loss of the batch."""
    inputs, labels = (t.to(device, non_blocking=True) for t in batch)
    optimizer.zero_grad(set_to_none=True)
    # float16 autocast on CUDA only (amp=True); other devices run in full precision.
    with torch.autocast(device.type, dtype=torch.float16) if amp else contextlib.nullcontext():
        loss = loss_fn(labels, model(inputs)).mean()
    scaler.scale(loss).backward()  # the scaler is a no-op when AMP is off
    scaler.step(optimizer)
    scaler.update()
    return loss.detach()


def train_epoch(model, loader, optimizer, scaler, device, amp, writer, step: int, log_every: int):
    """One pass over the loader; returns (mean loss as a tensor, global step)."""
    model.train()
    # Summed on the device: calling .item() every step would wait for the GPU each time.
    total, batches = torch.zeros((), device=device), 0
    for batch in loader:
        loss = train_step(model, batch, optimizer, scaler, device, amp)
        total += loss
        batches += 1
        step += 1
        if writer and step % log_every == 0:
            writer.add_scalar("train/loss", loss.item(), step)
    return total / max(batches, 1), step


@torch.no_grad()
def validate(model: nn.Module, loader: DataLoader, device: torch.device) -> dict:
    """Mean loss and metrics (model.METRICS) over a loader, and the number of examples."""
    model.eval()
    totals = dict.fromkeys(["loss", *METRICS], 0.0)
    count = 0
    for inputs, labels in loader:
        inputs, labels = inputs.to(device, non_blocking=True), labels.to(device, non_blocking=True)
        outputs = model(inputs)
        totals["loss"] += loss_fn(labels, outputs).sum().item()
        for name, metric in METRICS.items():
            totals[name] += metric(labels, outputs).sum().item()
        count += len(labels)
    return {**{name: total / max(count, 1) for name, total in totals.items()}, "examples": count}


# ---------------------------------------------------------------- the loop
def train(cfg: Config) -> TrainResult:
    rank, world, local_rank, started_group = setup_distributed()
    is_main = rank == 0
    torch.manual_seed(cfg.seed)  # same initial weights on every rank

    device = select_device(cfg.device)
    one_gpu_per_process = world > 1 and device.type in ("cuda", "xpu")
    if one_gpu_per_process:
        device = torch.device(device.type, local_rank)
    loaders = make_loaders(cfg, device)
    cfg = loaders.cfg
    model = build_model(cfg).to(device)
    trained = model
    if world > 1:
        model = DistributedDataParallel(model, device_ids=[local_rank] if one_gpu_per_process else None)

    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.learning_rate, weight_decay=cfg.weight_decay)
    amp = cfg.mixed_precision and device.type == "cuda"
    scaler = torch.amp.GradScaler("cuda", enabled=amp)
    writer = summary_writer(cfg.output_dir) if is_main else None
    if is_main:
        processes = f"{world} process{'es' if world > 1 else ''}"
        print(f"training on {device} ({processes}), {len(loaders.train.dataset)} examples")

    history, step, ckpt = [], 0, None
    for epoch in range(1, cfg.epochs + 1):
        if isinstance(loaders.train.sampler, DistributedSampler):
            loaders.train.sampler.set_epoch(epoch)  # a different shuffle each epoch
        epoch_loss, step = train_epoch(
            model, loaders.train, optimizer, scaler, device, amp, writer, step, cfg.log_every
        )
        if world > 1:
            dist.all_reduce(epoch_loss)  # mean over all ranks, not just rank 0's shard
            epoch_loss /= world
        if is_main:
            metrics = {"epoch": epoch, "train_loss": epoch_loss.item()}
            metrics.update({f"val_{k}": v for k, v in validate(trained, loaders.val, device).items()})
            history.append(metrics)
            for name in ("train_loss", "val_loss", *(f"val_{m}" for m in METRICS)):
                writer.add_scalar(name.replace("_", "/", 1), metrics[name], epoch)
            print(f"epoch {epoch}/{cfg.epochs}  " + cli.format_metrics(metrics))
            ckpt = save_checkpoint(checkpoint_path(cfg), trained, cfg, loaders.class_names)
        if world > 1:
            dist.barrier()  # keep ranks in step while rank 0 validates and saves

    if writer:
        writer.close()
    if started_group:
        dist.destroy_process_group()
    return TrainResult(trained, ckpt, history, world)


def main(argv: list[str] | None = None) -> int:
    args = cli.parser(__doc__, epochs=True).parse_args(argv)
    cfg = cli.config_from_args(args)
    result = train(cfg)
    if result.checkpoint:
        print(f"checkpoint: {result.checkpoint}   logs: tensorboard --logdir {cfg.output_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
{%- endraw %}
