"""Training steps work: a step moves every weight, the project's own optimizer memorises a tiny batch,
and every epoch runs every batch."""
{% raw %}
import dataclasses

import keras
import numpy as np
import pytest
import tensorflow as tf
{% endraw %}
from {{ cookiecutter.package }}.data import make_loaders
from {{ cookiecutter.package }}.model import build_model, targets
from {{ cookiecutter.package }}.sources import synthetic_arrays
from {{ cookiecutter.package }}.train import (
    checkpoint_path,
    read_info,
    train,
)
{% raw %}

def _loss(model, x, y) -> float:
    # Training mode, as in the steps: batch norm's moving averages lag behind after a few steps.
    return float(model.compute_loss(x, y, model(x, training=True)))


@pytest.mark.smoke
def test_one_step_changes_every_weight_and_loss_is_finite(cpu_config):
    model = build_model(cpu_config)  # compiled with the project's optimizer
    x, labels = synthetic_arrays(cpu_config)
    y = targets(x, labels)  # what the loss compares the outputs with (classification: the labels)
    before = [w.numpy().copy() for w in model.trainable_variables]
    # One explicit (eager) step: what fit() runs, compiled, for every batch.
    with tf.GradientTape() as tape:
        loss = model.compute_loss(x[:8], y[:8], model(x[:8], training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    model.optimizer.apply(grads, model.trainable_variables)
    assert np.isfinite(float(loss))
    assert all(g is not None for g in grads), "some weights get no gradient"
    unchanged = [v.path for v, b in zip(model.trainable_variables, before, strict=True) if np.array_equal(v.numpy(), b)]
    assert not unchanged, f"weights {unchanged} did not change after one step"


@pytest.mark.smoke
def test_overfits_a_tiny_batch_with_the_projects_optimizer(cpu_config):
    """A model that cannot memorise 16 examples with the configured optimizer and learning rate has a bug
    (labels, loss, optimizer wiring). Bounded by steps, not seconds: a loaded machine is slow, not broken."""
    model = build_model(dataclasses.replace(cpu_config, dropout=0.0))
    x, labels = synthetic_arrays(cpu_config)
    x, y = x[:16], targets(x[:16], labels[:16])
    first = _loss(model, x, y)
    for step in range(1, 151):  # the PyTorch template's bound
        model.train_on_batch(x, y)
        if step % 30 == 0 and _loss(model, x, y) < 0.05 * first:
            break
    last = _loss(model, x, y)
    assert last < 0.2 * first, f"loss only went from {first:.3f} to {last:.3f} in {step} steps"


@pytest.mark.smoke
def test_every_epoch_runs_every_batch_once(cpu_config):
    """The saved optimizer counted one step per batch of every epoch: no batch skipped, none run twice
    (over 32 batches an epoch, as Keras groups up to 32 steps per call)."""
    cfg = dataclasses.replace(cpu_config, num_samples=120, batch_size=2, epochs=2)
    steps_per_epoch = make_loaders(cfg).train.steps
    assert steps_per_epoch > 32 and steps_per_epoch % 32
    result = train(cfg)
    assert read_info(checkpoint_path(cfg, "last"))["training"]["epoch"] == cfg.epochs
    assert int(keras.ops.convert_to_numpy(result.model.optimizer.iterations)) == cfg.epochs * steps_per_epoch
    restored = keras.saving.load_model(checkpoint_path(cfg, "last"))
    assert int(restored.optimizer.iterations) == cfg.epochs * steps_per_epoch

{%- endraw %}
