{% extends "tensorflow/scale/multi-gpu/test_distributed.py" %}
{%- block tests %}{% raw %}

def _free_ports(n: int) -> list[int]:
    # Ask the OS for unused ports; they stay free long enough for the workers to bind them.
    import socket

    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("localhost", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


@pytest.mark.smoke
@pytest.mark.distributed
def test_multi_worker_strategy_with_two_workers(cpu_config):
    """The multi-node path (MultiWorkerMirroredStrategy + TF_CONFIG), two workers on this machine."""
    import importlib

    import keras
    import numpy as np

    load_checkpoint = importlib.import_module(f"{PACKAGE}.train").load_checkpoint
    workers = [f"localhost:{port}" for port in _free_ports(2)]
    tf_configs = [{"cluster": {"worker": workers}, "task": {"type": "worker", "index": i}} for i in range(2)]
    results = _results([_start(cpu_config, 1, tf_config, children=2) for tf_config in tf_configs])
    assert [r["replicas"] for r in results] == [2, 2]
    assert all(math.isfinite(r["loss"]) for r in results)
    # The chief's checkpoint and worker 1's scratch copy hold the same, synchronised trainable
    # weights (BatchNorm's running statistics stay per worker).
    out = Path(cpu_config.output_dir)
    chief, _, _ = load_checkpoint(out / "checkpoints" / "last.keras")
    other, _, _ = load_checkpoint(out / "workers" / "worker-1" / "checkpoints" / "last.keras")
    for a, b in zip(chief.trainable_weights, other.trainable_weights, strict=True):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b), atol=1e-6)
{%- endraw %}{% endblock %}
