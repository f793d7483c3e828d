"""The target hardware ({{ cookiecutter.hardware }}) is usable, and a training step runs on it and on the CPU."""
{% raw %}
import dataclasses

import pytest
import torch
{% endraw %}
from {{ cookiecutter.package }}.data import make_loaders
from {{ cookiecutter.package }}.device import (
    TARGET_HARDWARE,
    accelerator_status,
    select_device,
)
from {{ cookiecutter.package }}.model import build_model
from {{ cookiecutter.package }}.train import (
    autocast_dtype,
    build_optimizer,
    train_step,
)

# The pytest marker of the target's accelerator tests (advisor's catalogue: {{ cookiecutter.hardware }} -> {{ catalog.hardware[cookiecutter.hardware].marker or "none" }});
# a CPU target has none, so its target tests are plain smoke tests.
on_target = pytest.mark.{{ catalog.hardware[cookiecutter.hardware].marker or "smoke" }}
{% raw %}

@pytest.mark.smoke
def test_cpu_device_runs_a_training_step(cpu_config):
    device = select_device("cpu")
    loaders = make_loaders(cpu_config)
    model = build_model(loaders.cfg).to(device)
    optimizer = build_optimizer(model, loaders.cfg)
    loss = train_step(model, next(iter(loaders.train)), optimizer, torch.amp.GradScaler("cpu", enabled=False), device)
    assert torch.isfinite(loss)


@pytest.mark.smoke
@on_target
def test_target_hardware_is_available():
    """Fails (not skips) on a machine without the target accelerator, saying what to fix."""
    status = accelerator_status()
    assert status.available, (
        f"target hardware {TARGET_HARDWARE!r}: expected {status.expected}, found {status.found}. "
        f"Likely fix: {status.fix}"
    )


@pytest.mark.smoke
@on_target
def test_training_step_on_target_hardware(cpu_config):
    if not accelerator_status().available:
        pytest.skip("target accelerator missing: see test_target_hardware_is_available for the fix")
    device = select_device("auto")
    loaders = make_loaders(cpu_config)
    model = build_model(loaders.cfg).to(device)
    optimizer = build_optimizer(model, loaders.cfg)
    # Mixed precision as training uses it: bfloat16 where the GPU has it, float16 with a scaler elsewhere.
    amp_dtype = autocast_dtype(dataclasses.replace(loaders.cfg, mixed_precision=True), device)
    scaler = torch.amp.GradScaler(device.type, enabled=amp_dtype == torch.float16)
    loss = train_step(model, next(iter(loaders.train)), optimizer, scaler, device, amp_dtype)
    assert torch.isfinite(loss)
    assert next(model.parameters()).device.type == device.type


@pytest.mark.smoke
def test_mixed_precision_is_bf16_where_the_gpu_has_it_else_fp16(cpu_config, monkeypatch):
    cfg = dataclasses.replace(cpu_config, mixed_precision=True)
    cuda = torch.device("cuda")
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *args, **kwargs: True)
    assert autocast_dtype(cfg, cuda) == torch.bfloat16  # Ampere and later: no loss scaling needed
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *args, **kwargs: False)
    assert autocast_dtype(cfg, cuda) == torch.float16  # older GPUs: float16 with a GradScaler
    assert autocast_dtype(cfg, torch.device("cpu")) is None
    assert autocast_dtype(dataclasses.replace(cfg, mixed_precision=False), cuda) is None
{%- endraw %}
