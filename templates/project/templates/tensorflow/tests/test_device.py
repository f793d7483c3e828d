"""Where training runs: the CPU always works; the target hardware ({{ cookiecutter.hardware }}) is checked on its own."""
{% raw %}
import numpy as np
import pytest
import tensorflow as tf
{% endraw %}
from {{ cookiecutter.package }}.device import (
    CPU_ONLY_REASON,
    TARGET_HARDWARE,
    accelerator_status,
    make_strategy,
    select_device,
)
from {{ cookiecutter.package }}.model import build_model
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
    logs = model.train_on_batch(x[:8], y[:8], return_dict=True)
    assert np.isfinite(logs["loss"])
{%- endraw %}
