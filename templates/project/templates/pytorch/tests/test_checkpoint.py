"""A saved checkpoint reloads into a model that gives exactly the same outputs."""
{% raw %}
import pytest
import torch
{% endraw %}
from {{ cookiecutter.package }}.model import (
    build_model,
    example_input,
)
from {{ cookiecutter.package }}.train import (
    checkpoint_path,
    load_checkpoint,
    save_checkpoint,
)
{% raw %}

@pytest.mark.smoke
def test_checkpoint_round_trip_reproduces_outputs(cpu_config):
    torch.manual_seed(0)
    model = build_model(cpu_config).eval()
    names = [f"class_{i}" for i in range(cpu_config.num_classes)]
    path = save_checkpoint(checkpoint_path(cpu_config), model, cpu_config, names)

    restored, cfg, class_names = load_checkpoint(path)
    inputs = example_input(cpu_config, batch_size=4)
    with torch.no_grad():
        assert torch.equal(model(inputs), restored(inputs))
    assert cfg == cpu_config and class_names == names
{%- endraw %}
