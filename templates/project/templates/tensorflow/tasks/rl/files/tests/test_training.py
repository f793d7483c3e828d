"""PPO's steps work: a step moves every weight, the project's optimizer fits a small rollout batch (the value
memorises its returns, the policy climbs its clipped objective), and every update pass uses every step of
its rollout once."""
{% raw %}
import dataclasses
import math

import keras
import numpy as np
import pytest
import tensorflow as tf
{% endraw %}
from {{ cookiecutter.package }} import metrics
from {{ cookiecutter.package }}.model import build_model
from {{ cookiecutter.package }}.sources import synthetic_arrays
from {{ cookiecutter.package }}.train import (
    checkpoint_path,
    read_info,
    train,
)
{% raw %}

@pytest.mark.smoke
def test_one_step_changes_every_weight_and_loss_is_finite(cpu_config):
    model = build_model(cpu_config)  # compiled with the project's optimizer and PPO's loss
    x, y = synthetic_arrays(cpu_config)
    before = [w.numpy().copy() for w in model.trainable_variables]
    with tf.GradientTape() as tape:
        loss = model.compute_loss(x[:16], y[:16], model(x[:16], training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    model.optimizer.apply(grads, model.trainable_variables)
    assert np.isfinite(float(loss))
    assert all(g is not None for g in grads), "some weights get no gradient"
    unchanged = [v.path for v, b in zip(model.trainable_variables, before, strict=True) if np.array_equal(v.numpy(), b)]
    assert not unchanged, f"weights {unchanged} did not change after one step"


def _fit(model, observations, targets, clip):
    """(squared value error, clipped surrogate objective) of the model on a batch: what PPO improves."""
    outputs = np.asarray(model(observations, training=False), dtype=np.float64)
    logits = outputs[:, :-1] - outputs[:, :-1].max(axis=1, keepdims=True)
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    ratio = np.exp(log_probs[np.arange(len(targets)), targets[:, 0].astype(int)] - targets[:, 2])
    surrogate = np.minimum(ratio * targets[:, 1], np.clip(ratio, 1 - clip, 1 + clip) * targets[:, 1])
    return float(((outputs[:, -1] - targets[:, 3]) ** 2).mean()), float(surrogate.mean())


@pytest.mark.smoke
def test_overfits_a_small_rollout_batch_with_the_projects_optimizer(cpu_config):
    """On one fixed batch of 16 steps, the configured optimizer must make the value memorise the returns and
    take the clipped objective 40 % of the way to its ceiling, where every ratio sits at its clip (learning
    rate 0 or a step that does nothing leaves both where they were). Bounded by steps, not seconds: a loaded
    machine is slow, not broken."""
    keras.utils.set_random_seed(0)
    model = build_model(cpu_config)
    x, y = synthetic_arrays(cpu_config)
    x, y = x[:16], y[:16]
    clip, batch_targets = cpu_config.clip_range, y
    first_error, first_objective = _fit(model, x, y, clip)
    for _ in range(150):
        model.train_on_batch(x, y)
    error, objective = _fit(model, x, y, clip)
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
    assert int(keras.ops.convert_to_numpy(result.model.optimizer.iterations)) == expected
    restored = keras.saving.load_model(checkpoint_path(cfg, "last"))
    assert int(restored.optimizer.iterations) == expected
    assert read_info(checkpoint_path(cfg, "last"))["training"]["epoch"] == cfg.epochs
    assert [row["epoch"] for row in metrics.read_metrics(cfg.output_dir) if "split" not in row] == [1, 2]
{%- endraw %}
