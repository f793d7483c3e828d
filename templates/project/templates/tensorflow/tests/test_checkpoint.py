"""A saved .keras checkpoint restores the same model: same outputs, optimizer state, evaluate() works."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from {{ cookiecutter.package }}.evaluate import evaluate
from {{ cookiecutter.package }}.model import build_model
from {{ cookiecutter.package }}.sources import synthetic_arrays


@pytest.mark.smoke
def test_save_and_load_reproduce_outputs(cpu_config, tmp_path):
    model = build_model(cpu_config)
    x, y = synthetic_arrays(cpu_config)
    with tf.GradientTape() as tape:  # one step: non-initial weights and optimizer state
        loss = model.compute_loss(x[:8], y[:8], model(x[:8], training=True))
    model.optimizer.apply(tape.gradient(loss, model.trainable_variables), model.trainable_variables)
    path = tmp_path / "last.keras"
    model.save(path)

    restored = keras.saving.load_model(path)
    np.testing.assert_allclose(restored(x[:8], training=False), model(x[:8], training=False), atol=1e-6)
    assert int(restored.optimizer.iterations) == 1

    metrics = evaluate(cpu_config, path)
    assert np.isfinite(metrics["loss"]) and 0.0 <= metrics["accuracy"] <= 1.0
