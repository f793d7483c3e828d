"""Training works: a step moves the weights, a tiny batch is overfit, train() writes its outputs."""
{% raw %}
import dataclasses

import numpy as np
import pytest
import tensorflow as tf
{% endraw %}
from {{ cookiecutter.package }}.model import build_model
from {{ cookiecutter.package }}.sources import synthetic_arrays
from {{ cookiecutter.package }}.train import train
{% raw %}

def _loss(model, x, y) -> float:
    # Training mode, as in the steps: BatchNorm's running averages lag behind after a few steps.
    return float(model.compute_loss(x, y, model(x, training=True)))


@pytest.mark.smoke
def test_one_step_changes_weights_and_loss_is_finite(cpu_config):
    model = build_model(cpu_config)
    x, y = synthetic_arrays(cpu_config)
    before = [w.copy() for w in model.get_weights()]
    # One explicit (eager) step: what fit() runs, compiled, for every batch.
    with tf.GradientTape() as tape:
        loss = model.compute_loss(x[:8], y[:8], model(x[:8], training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    model.optimizer.apply(grads, model.trainable_variables)
    assert np.isfinite(float(loss))
    assert all(g is not None for g in grads), "some weights get no gradient"
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))


@pytest.mark.smoke
def test_overfits_a_tiny_batch(cpu_config):
    cfg = dataclasses.replace(cpu_config, learning_rate=0.01, dropout=0.0)
    model = build_model(cfg)
    x, y = synthetic_arrays(cfg)
    x, y = x[:8], y[:8]
    start = _loss(model, x, y)
    for _ in range(30):
        model.train_on_batch(x, y)
    end = _loss(model, x, y)
    assert end < 0.3 * start, f"loss only went from {start:.3f} to {end:.3f} in 30 steps"


@pytest.mark.smoke
def test_train_writes_checkpoint_and_logs(cpu_config):
    result = train(cpu_config)
    assert result.checkpoint is not None and result.checkpoint.is_file()
    assert len(result.history) == cpu_config.epochs
    assert {"epoch", "train_loss", "val_loss", "val_accuracy"} <= set(result.final)
    assert np.isfinite(result.final["val_loss"]) and 0.0 <= result.final["val_accuracy"] <= 1.0
    assert list(result.checkpoint.parents[1].rglob("events.out.tfevents*")), "no TensorBoard logs"
{%- endraw %}
