"""A saved .keras checkpoint restores the same model: same outputs and optimizer state."""
{% raw %}
import numpy as np
import pytest
import tensorflow as tf
{% endraw %}
from {{ cookiecutter.package }}.model import build_model, targets
from {{ cookiecutter.package }}.sources import synthetic_arrays
from {{ cookiecutter.package }}.train import (
    checkpoint_path,
    load_checkpoint,
    save_checkpoint,
)
{% raw %}

@pytest.mark.smoke
def test_save_and_load_reproduce_outputs(cpu_config):
    model = build_model(cpu_config)
    x, y = synthetic_arrays(cpu_config)
    with tf.GradientTape() as tape:  # one step: non-initial weights and optimizer state
        loss = model.compute_loss(x[:8], targets(x[:8], y[:8]), model(x[:8], training=True))
    model.optimizer.apply(tape.gradient(loss, model.trainable_variables), model.trainable_variables)
    names = [f"class_{i}" for i in range(cpu_config.num_classes)]
    path = save_checkpoint(checkpoint_path(cpu_config), model, cpu_config, names)

    restored, cfg, class_names = load_checkpoint(path)
    np.testing.assert_allclose(restored(x[:8], training=False), model(x[:8], training=False), atol=1e-6)
    assert int(restored.optimizer.iterations) == 1
    assert cfg == cpu_config and class_names == names

{%- endraw %}
