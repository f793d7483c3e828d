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
{%- set jax = catalog.jax_backend %}
{%- if cookiecutter.hardware in jax.hardware or (cookiecutter.scale in jax.scales and not catalog.tasks[cookiecutter.task].get("single_process")) %}
{% raw %}

# A fresh process on Keras' JAX backend (the backend is fixed when Keras is first imported): it trains,
# reports, and says export needs TensorFlow. Two CPU devices take the data-parallel path (DataParallel).
JAX_CHILD = """
import json, sys
import keras
from PACKAGE.config import Config
from PACKAGE.model import export_inputs
from PACKAGE.train import train
cfg = Config(**json.loads(sys.argv[1]))
result = train(cfg)
try:
    export_inputs(cfg, result.checkpoint, 1, 1)
    refused = ""
except ValueError as error:
    refused = str(error)
losses = [row["train_loss"] for row in result.history]
print("RESULT", json.dumps({"backend": keras.config.backend(), "replicas": result.replicas, "losses": losses,
                            "test": result.test is not None, "refused": refused}))
"""


@pytest.mark.smoke
def test_trains_on_the_jax_backend(cpu_config):
    """README.md, "The JAX backend": train runs with KERAS_BACKEND=jax, the loss falls, and export stops with
    one line naming KERAS_BACKEND. Skipped when JAX is not installed (pip install jax)."""
    import importlib.util
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    if importlib.util.find_spec("jax") is None:
        pytest.skip("JAX is not installed: pip install jax (README.md, The JAX backend)")
    package = train.__module__.rsplit(".", 1)[0]
    cfg = dataclasses.replace(cpu_config, num_samples=320, epochs=3)
    root = Path(__file__).resolve().parents[1]
    env = {key: value for key, value in os.environ.items() if key != "TF_CONFIG"}
    env.update(KERAS_BACKEND="jax", JAX_PLATFORMS="cpu", XLA_FLAGS="--xla_force_host_platform_device_count=2",
               PYTHONPATH=str(root / "src"))  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", JAX_CHILD.replace("PACKAGE", package), json.dumps(dataclasses.asdict(cfg))],
        cwd=root, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stdout[-2000:] + done.stderr[-4000:]
    result = json.loads(lines[-1][len("RESULT "):])
    assert result["backend"] == "jax" and result["replicas"] == 2
    losses = result["losses"]
    assert len(losses) == cfg.epochs and all(np.isfinite(losses)), losses
    assert losses[-1] < losses[0], f"the loss did not fall on JAX: {losses}"
    assert result["test"]  # the best checkpoint was scored on the test split, on JAX
    refused = result["refused"]
    assert refused.startswith("KERAS_BACKEND=jax: export needs Keras' tensorflow backend"), refused
    assert "\n" not in refused and "KERAS_BACKEND=tensorflow" in refused
{%- endraw %}
{%- endif %}
