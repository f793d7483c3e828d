"""The server export (ONNX) matches PyTorch within tolerance."""

import warnings

import pytest
import torch

from {{ cookiecutter.package }}.export import FORMATS, TOLERANCE, check_parity, export
from {{ cookiecutter.package }}.model import build_model, example_input
from {{ cookiecutter.package }}.train import checkpoint_path, load_checkpoint, save_checkpoint

pytest.importorskip("onnxruntime", reason="pip install -e '.[dev]' installs the export tools")
pytest.importorskip("onnxscript", reason="pip install -e '.[dev]' installs the export tools")


@pytest.mark.smoke
def test_server_export_matches_pytorch(cpu_config, tmp_path):
    torch.manual_seed(0)
    model = build_model(cpu_config).eval()
    save_checkpoint(checkpoint_path(cpu_config), model, cpu_config, ["a"] * cpu_config.num_classes)

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*LeafSpec", FutureWarning)  # raised inside torch.export itself
        path = export(cpu_config, out_dir=tmp_path / "exports", fmt="server")
    assert path.name == FORMATS["onnx"].filename and path.stat().st_size > 0

    restored, _, _ = load_checkpoint(checkpoint_path(cpu_config))
    diff = check_parity(restored, path, example_input(cpu_config, batch_size=3))  # batch 3: dynamic batch axis
    assert diff <= TOLERANCE
