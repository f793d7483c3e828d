import pytest
from machine_fakes import Fake


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """An empty Linux machine with no tools, files or TPU/WSL variables; see machine_fakes.Fake."""
    return Fake(tmp_path, monkeypatch)
