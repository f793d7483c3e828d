"""Where training runs: the CPU always works; the target hardware ({{ cookiecutter.hardware }}) is checked on its own."""
{% raw %}
import dataclasses

import keras
import numpy as np
import pytest
import tensorflow as tf
{% endraw %}
from {{ cookiecutter.package }} import train as training
from {{ cookiecutter.package }}.device import (
    CPU_ONLY_REASON,
    TARGET_HARDWARE,
    Device,
    accelerator_status,
    make_strategy,
    select_device,
)
from {{ cookiecutter.package }}.model import build_model, targets
from {{ cookiecutter.package }}.sources import synthetic_arrays

# The pytest marker of the target's accelerator tests (advisor's catalogue: {{ cookiecutter.hardware }} -> {{ catalog.hardware[cookiecutter.hardware].marker or "none" }});
# a CPU target has none, so its target tests are plain smoke tests.
on_target = pytest.mark.{{ catalog.hardware[cookiecutter.hardware].marker or "smoke" }}
{% raw %}

@pytest.mark.smoke
def test_cpu_runs_tensorflow_ops():
    device = select_device("cpu")
    with tf.device(device.name):
        assert float(tf.reduce_sum(tf.ones((2, 2)))) == 4.0


@pytest.mark.smoke
def test_unknown_device_name_is_rejected():
    with pytest.raises(ValueError, match="unknown device"):
        select_device("gpu0")


@pytest.mark.smoke
def test_auto_uses_the_target_or_falls_back_to_the_cpu_with_a_warning():
    if accelerator_status().available:
        assert select_device("auto").kind == {"cpu": "cpu", "tpu": "tpu"}.get(TARGET_HARDWARE, "gpu")
    else:
        with pytest.warns(UserWarning, match="training on the CPU"):
            assert select_device("auto").kind == "cpu"


@pytest.mark.smoke
@on_target
def test_target_hardware_is_usable():
    """Fails, with the expected device, the one found and the likely fix, when the target is missing."""
    status = accelerator_status()
    if TARGET_HARDWARE in CPU_ONLY_REASON:
        pytest.skip(status.message())  # TensorFlow has no accelerator build for this target
    if not status.available:
        pytest.fail(status.message(), pytrace=False)


@pytest.mark.smoke
@on_target
def test_training_step_on_target_hardware(cpu_config):
    status = accelerator_status()
    if not status.available:
        pytest.skip(f"{status.found}: see test_target_hardware_is_usable")
    strategy = make_strategy(select_device("auto"), scale="single")
    with strategy.scope():
        model = build_model(cpu_config)
    x, y = synthetic_arrays(cpu_config)
    logs = model.train_on_batch(x[:8], targets(x[:8], y[:8]), return_dict=True)
    assert np.isfinite(logs["loss"])


@pytest.mark.smoke
@pytest.mark.parametrize(("capability", "policy"), [((8, 0), "mixed_bfloat16"), ((7, 5), "mixed_float16")])
def test_mixed_precision_is_bf16_where_the_gpu_has_it_else_fp16(cpu_config, monkeypatch, capability, policy):
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: ["GPU:0"])
    monkeypatch.setattr(tf.config.experimental, "get_device_details", lambda gpu: {"compute_capability": capability})
    try:
        training.set_precision(dataclasses.replace(cpu_config, mixed_precision=True), Device("gpu", "/GPU:0"))
        assert keras.mixed_precision.global_policy().name == policy
        training.set_precision(cpu_config, Device("cpu", "/CPU:0"))
        assert keras.mixed_precision.global_policy().name == "float32"
    finally:
        keras.mixed_precision.set_global_policy("float32")
{%- endraw %}
