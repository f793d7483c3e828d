"""Every export format of this project's deployment target ({{ cookiecutter.deploy }}) matches the model within
its tolerance, and the parity check does catch a model that differs."""
{% raw %}
import json

import numpy as np
import pytest
{% endraw %}
from {{ cookiecutter.package }} import export as exporting
from {{ cookiecutter.package }}.evaluate import predict
from {{ cookiecutter.package }}.model import (
    build_model,
    example_input,
)
from {{ cookiecutter.package }}.train import (
    checkpoint_path,
    save_checkpoint,
)
{% raw %}
TARGET_FORMATS = exporting.DEPLOY_FORMATS[exporting.DEPLOY_TARGET]


@pytest.mark.smoke
@pytest.mark.parametrize("name", TARGET_FORMATS)
def test_export_matches_the_model(cpu_config, tmp_path, name):
    fmt = exporting.FORMATS[name]
    for module in fmt.module().REQUIRES:
        pytest.importorskip(module, reason="pip install -e '.[dev]' installs the export tools")
    names = [f"class_{i}" for i in range(cpu_config.num_classes)]
    save_checkpoint(checkpoint_path(cpu_config), build_model(cpu_config), cpu_config, names)

    # export() reloads the checkpoint, exports it and raises unless the export matches it within tolerance.
    path = exporting.export(cpu_config, out_dir=tmp_path / "exports", fmt=name)
    assert path == tmp_path / "exports" / fmt.artifact and path.exists()
    manifest = json.loads((tmp_path / "exports" / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["exports"][name]
    assert entry["artifact"] == fmt.artifact and entry["tolerance"] == fmt.tolerance
    assert 0.0 <= entry["max_abs_diff"] <= fmt.tolerance
    assert manifest["class_names"] == names and manifest["framework"] == exporting.FRAMEWORK

    # The parity check does catch a model that differs (a fresh one: other random weights).
    inputs = np.asarray(example_input(cpu_config, batch_size=3))
    with pytest.raises(AssertionError, match="differs"):
        exporting.check_parity(predict(build_model(cpu_config), inputs), fmt.module().run(path, inputs), fmt)


@pytest.mark.smoke
def test_format_or_deployment_target_names_a_format():
    assert exporting.resolve_format(None).name == TARGET_FORMATS[0]
    assert exporting.resolve_format(exporting.DEPLOY_TARGET).name == TARGET_FORMATS[0]
    for name in exporting.FORMATS:
        assert exporting.resolve_format(name).name == name
    with pytest.raises(ValueError, match="unknown format"):
        exporting.resolve_format("no-such-format")
{%- endraw %}
