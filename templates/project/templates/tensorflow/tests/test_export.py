"""The SavedModel export ("server" format) answers like the Keras model it came from."""

import pytest

from {{ cookiecutter.package }}.export import check_parity, export
from {{ cookiecutter.package }}.model import build_model
from {{ cookiecutter.package }}.sources import synthetic_arrays


@pytest.mark.smoke
def test_saved_model_matches_keras(cpu_config, tmp_path):
    model = build_model(cpu_config)
    model.optimizer.build(model.trainable_variables)  # as in a checkpoint written during training
    checkpoint = tmp_path / "last.keras"
    model.save(checkpoint)

    # export() reloads the SavedModel and raises unless it matches the checkpoint within 1e-4.
    path = export(cpu_config, checkpoint, tmp_path / "exports", fmt="server")
    assert (path / "saved_model.pb").is_file()

    # The parity check does catch a model that differs.
    x, _ = synthetic_arrays(cpu_config)
    with pytest.raises(AssertionError, match="differs"):
        check_parity(build_model(cpu_config), path, x[:4])
