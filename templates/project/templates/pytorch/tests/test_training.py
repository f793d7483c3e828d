"""Training steps work: a step moves every weight, the project's own optimizer memorises a tiny batch,
and every epoch runs every batch."""
{% raw %}
import dataclasses

import pytest
import torch
{% endraw %}
from {{ cookiecutter.package }}.data import make_loaders
from {{ cookiecutter.package }}.model import build_model
from {{ cookiecutter.package }}.train import (
    build_optimizer,
    checkpoint_path,
    read_checkpoint,
    train,
    train_step,
)
{% raw %}
CPU = torch.device("cpu")
NO_SCALER = torch.amp.GradScaler("cpu", enabled=False)


@pytest.mark.smoke
def test_one_step_changes_every_weight_and_loss_is_finite(cpu_config):
    torch.manual_seed(0)
    loaders = make_loaders(cpu_config)
    model = build_model(loaders.cfg)
    before = [p.detach().clone() for p in model.parameters()]
    optimizer = build_optimizer(model, loaders.cfg)
    loss = train_step(model, next(iter(loaders.train)), optimizer, NO_SCALER, CPU, clip_norm=loaders.cfg.grad_clip_norm)
    assert torch.isfinite(loss)
    unchanged = [i for i, (b, p) in enumerate(zip(before, model.parameters(), strict=True)) if torch.equal(b, p)]
    assert not unchanged, f"parameters {unchanged} did not change after one step"


@pytest.mark.smoke
def test_overfits_a_tiny_batch_with_the_projects_optimizer(cpu_config):
    """A model that cannot memorise 16 examples with the configured optimizer and learning rate has a bug
    (labels, loss, optimizer wiring). Bounded by steps, not seconds: a loaded machine is slow, not broken."""
    torch.manual_seed(0)
    loaders = make_loaders(cpu_config)
    model = build_model(loaders.cfg)
    model.eval()  # no dropout, and batch norm in inference mode: memorisation is monotone
    batch = next(iter(loaders.train))
    optimizer = build_optimizer(model, loaders.cfg)
    first = train_step(model, batch, optimizer, NO_SCALER, CPU).item()
    for _ in range(150):
        last = train_step(model, batch, optimizer, NO_SCALER, CPU).item()
        if last < 0.05 * first:
            break
    assert last < 0.2 * first, f"loss only went from {first:.3f} to {last:.3f}"


@pytest.mark.smoke
def test_every_epoch_runs_every_batch_once(cpu_config):
    """The saved optimizer and schedule counted one step per batch of every epoch: none skipped, none twice."""
    cfg = dataclasses.replace(cpu_config, num_samples=120, batch_size=2, epochs=2)
    steps_per_epoch = len(make_loaders(cfg).train)
    train(cfg)
    training = read_checkpoint(checkpoint_path(cfg, "last"))["training"]
    assert training["step"] == cfg.epochs * steps_per_epoch
    steps = {float(state["step"]) for state in training["optimizer"]["state"].values()}
    assert steps == {float(cfg.epochs * steps_per_epoch)}

{%- endraw %}
