{%- set marker = {"nvidia": "cuda", "amd": "rocm", "tpu": "tpu", "apple": "mps", "intel": "xpu"}.get(cookiecutter.hardware) -%}
"""Where training runs: the CPU always works; the {{ cookiecutter.hardware }} target is checked on its own."""

import pytest
import tensorflow as tf

from {{ cookiecutter.package }}.device import accelerator_status, select_device


@pytest.mark.smoke
def test_cpu_runs_tensorflow_ops():
    device = select_device("cpu")
    with tf.device(device.name):
        assert float(tf.reduce_sum(tf.ones((2, 2)))) == 4.0


@pytest.mark.smoke
def test_unknown_device_name_is_rejected():
    with pytest.raises(ValueError, match="unknown device"):
        select_device("gpu0")
{%- if cookiecutter.hardware in ["nvidia", "amd", "tpu"] %}


@pytest.mark.smoke
@pytest.mark.{{ marker }}
def test_target_accelerator_is_usable():
    """Fails, with the expected device, the one found and the likely fix, when the target is missing."""
    status = accelerator_status()
    if not status.available:
        pytest.fail(status.message(), pytrace=False)
{%- elif cookiecutter.hardware in ["apple", "intel"] %}


@pytest.mark.smoke
@pytest.mark.{{ marker }}
def test_target_accelerator_is_usable():
    pytest.skip(accelerator_status().message())


@pytest.mark.smoke
def test_auto_falls_back_to_the_cpu_with_a_warning():
    with pytest.warns(UserWarning, match="training on the CPU"):
        assert select_device("auto").kind == "cpu"
{%- endif %}
