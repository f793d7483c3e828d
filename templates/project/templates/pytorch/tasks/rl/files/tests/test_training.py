"""PPO's steps work: a step moves every weight, the project's optimizer fits a small rollout batch (the value
memorises its returns, the policy climbs its clipped objective), and every update pass uses every step of
its rollout once."""
{% raw %}
import dataclasses
import math

import numpy as np
import pytest
import torch
{% endraw %}
from {{ cookiecutter.package }} import metrics
from {{ cookiecutter.package }}.data import make_loaders
from {{ cookiecutter.package }}.model import build_model
from {{ cookiecutter.package }}.train import (
    build_optimizer,
    checkpoint_path,
    loss_settings,
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
    model = build_model(cpu_config)
    before = [p.detach().clone() for p in model.parameters()]
    optimizer = build_optimizer(model, cpu_config)
    loss = train_step(model, next(iter(loaders.train)), optimizer, NO_SCALER, CPU, clip_norm=cpu_config.grad_clip_norm,
                      **loss_settings(cpu_config))  # fmt: skip
    assert torch.isfinite(loss)
    unchanged = [i for i, (b, p) in enumerate(zip(before, model.parameters(), strict=True)) if torch.equal(b, p)]
    assert not unchanged, f"parameters {unchanged} did not change after one step"


def _fit(model, observations, targets, clip):
    """(squared value error, clipped surrogate objective) of the model on a batch: what PPO improves."""
    with torch.no_grad():
        outputs = model(observations)
    log_probs = torch.log_softmax(outputs[:, :-1], dim=1).gather(1, targets[:, :1].long())[:, 0]
    ratio = torch.exp(log_probs - targets[:, 2])
    surrogate = torch.minimum(ratio * targets[:, 1], ratio.clamp(1 - clip, 1 + clip) * targets[:, 1])
    return float(((outputs[:, -1] - targets[:, 3]) ** 2).mean()), float(surrogate.mean())


@pytest.mark.smoke
def test_overfits_a_small_rollout_batch_with_the_projects_optimizer(cpu_config):
    """On one fixed batch of 16 steps, the configured optimizer must make the value memorise the returns and
    take the clipped objective 40 % of the way to its ceiling, where every ratio sits at its clip (learning
    rate 0 or a step that does nothing leaves both where they were). Bounded by steps, not seconds: a loaded
    machine is slow, not broken."""
    torch.manual_seed(0)
    batch = next(iter(make_loaders(cpu_config).train))
    model = build_model(cpu_config)
    optimizer = build_optimizer(model, cpu_config)
    clip, batch_targets = cpu_config.clip_range, batch[1].numpy()
    first_error, first_objective = _fit(model, *batch, clip)
    for _ in range(150):
        train_step(model, batch, optimizer, NO_SCALER, CPU, **loss_settings(cpu_config))
    error, objective = _fit(model, *batch, clip)
    assert error < 0.2 * first_error, f"value error only went from {first_error:.3f} to {error:.3f}"
    advantages = np.asarray(batch_targets[:, 1], dtype=np.float64)
    ceiling = float(np.mean(np.where(advantages > 0, 1 + clip, 1 - clip) * advantages))
    climbed = (objective - first_objective) / (ceiling - first_objective)
    assert climbed > 0.4, f"objective went from {first_objective:.3f} to {objective:.3f} of at most {ceiling:.3f}"


@pytest.mark.smoke
def test_every_batch_of_every_rollout_is_used_once_per_update_pass(cpu_config):
    """The saved optimizer counted update_epochs x ceil(steps / batch_size) steps per iteration: no minibatch
    skipped, none run twice."""
    cfg = dataclasses.replace(cpu_config, epochs=2, batch_size=24)
    result = train(cfg)
    expected = sum(cfg.update_epochs * math.ceil(row["steps"] / cfg.batch_size) for row in result.history)
    training = read_checkpoint(checkpoint_path(cfg, "last"))["training"]
    assert training["step"] == expected
    assert {float(state["step"]) for state in training["optimizer"]["state"].values()} == {float(expected)}
    assert [row["epoch"] for row in metrics.read_metrics(cfg.output_dir) if "split" not in row] == [1, 2]
{%- endraw %}
