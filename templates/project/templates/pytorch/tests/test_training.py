"""Training works: a step changes the weights, a tiny batch can be overfit, train() writes its outputs."""
{% raw %}
import pytest
import torch
{% endraw %}
from {{ cookiecutter.package }}.data import make_loaders
from {{ cookiecutter.package }}.model import build_model
from {{ cookiecutter.package }}.train import (
    train,
    train_step,
)
{% raw %}
CPU = torch.device("cpu")
NO_SCALER = torch.amp.GradScaler("cuda", enabled=False)


@pytest.mark.smoke
def test_one_step_changes_weights_and_loss_is_finite(cpu_config):
    torch.manual_seed(0)
    loaders = make_loaders(cpu_config)
    model = build_model(loaders.cfg)
    before = [p.detach().clone() for p in model.parameters()]
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loss = train_step(model, next(iter(loaders.train)), optimizer, NO_SCALER, CPU)
    assert torch.isfinite(loss)
    changed = [not torch.equal(b, p) for b, p in zip(before, model.parameters(), strict=True)]
    assert all(changed), "some parameters did not change after one step"


@pytest.mark.smoke
def test_overfits_a_tiny_batch(cpu_config):
    """A model that cannot memorise 16 examples has a bug (labels, loss or optimizer wiring).

    Bounded by steps, not seconds: a loaded machine is slow, not broken.
    """
    torch.manual_seed(0)
    loaders = make_loaders(cpu_config)
    model = build_model(loaders.cfg)
    model.eval()  # no dropout: memorisation should be monotone and fast
    batch = next(iter(loaders.train))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    first = train_step(model, batch, optimizer, NO_SCALER, CPU).item()
    for _ in range(100):
        last = train_step(model, batch, optimizer, NO_SCALER, CPU).item()
        if last < 0.1 * first:
            break
    assert last < 0.3 * first, f"loss only went from {first:.3f} to {last:.3f}"


@pytest.mark.smoke
def test_train_writes_checkpoint_and_logs(cpu_config):
    result = train(cpu_config)
    assert result.checkpoint is not None and result.checkpoint.is_file()
    assert list(result.checkpoint.parent.parent.glob("events.out.tfevents.*")), "no TensorBoard log"
    assert len(result.history) == cpu_config.epochs
    assert {"epoch", "train_loss", "val_loss", "val_accuracy"} <= set(result.final)
    assert 0.0 <= result.final["val_accuracy"] <= 1.0
{%- endraw %}
