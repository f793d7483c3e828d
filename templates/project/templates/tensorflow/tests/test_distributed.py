"""Multi-device training on the CPU, in fresh processes (TensorFlow fixes its devices at start-up)."""

import dataclasses
import json
import math
import os
{%- if cookiecutter.scale == "multi-node" %}
import socket
{%- endif %}
import subprocess
import sys
from pathlib import Path
{% if cookiecutter.scale == "multi-node" %}
import keras
import numpy as np
{%- endif %}
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "{{ cookiecutter.package }}"
{%- raw %}

# train() in a child process. argv: the config as JSON, logical CPU devices, inter-op threads.
CHILD = """
import json, sys
import tensorflow as tf
tf.config.threading.set_inter_op_parallelism_threads(int(sys.argv[3]))  # several children share the CPU
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * int(sys.argv[2]))
from PACKAGE.config import load_config
from PACKAGE.train import train
result = train(load_config(**json.loads(sys.argv[1])))
print("RESULT", json.dumps({"replicas": result.replicas, "loss": result.history["loss"][-1]}))
""".replace("PACKAGE", PACKAGE)


def _start(cfg, devices: int, tf_config: dict | None = None, children: int = 1) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key != "TF_CONFIG"}
    env["PYTHONPATH"] = str(ROOT / "src")
    if tf_config:
        env["TF_CONFIG"] = json.dumps(tf_config)
    threads = max(1, (os.cpu_count() or 2) // children)
    args = [sys.executable, "-c", CHILD, json.dumps(dataclasses.asdict(cfg)), str(devices), str(threads)]
    return subprocess.Popen(
        args, cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def _results(procs: list[subprocess.Popen], timeout: float = 180) -> list[dict]:
    try:
        outputs = [proc.communicate(timeout=timeout)[0] for proc in procs]
    finally:
        for proc in procs:
            proc.kill()  # no-op after a clean exit; stops a worker left waiting for a failed peer
    for proc, out in zip(procs, outputs):
        assert proc.returncode == 0, out[-3000:]
    return [json.loads(out.rsplit("RESULT", 1)[1]) for out in outputs]
{%- endraw %}
{%- if cookiecutter.scale == "multi-gpu" %}


@pytest.mark.smoke
@pytest.mark.distributed
def test_mirrored_strategy_over_two_devices(cpu_config):
    """The multi-GPU path (MirroredStrategy), with two logical CPUs standing in for two GPUs."""
    (result,) = _results([_start(cpu_config, devices=2)])
    assert result["replicas"] == 2
    assert math.isfinite(result["loss"])
    assert (Path(cpu_config.output_dir) / "checkpoints" / "last.keras").is_file()
{%- else %}


def _free_ports(n: int) -> list[int]:
    # Ask the OS for unused ports; they stay free long enough for the workers to bind them.
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
    workers = [f"localhost:{port}" for port in _free_ports(2)]
    tf_configs = [{"cluster": {"worker": workers}, "task": {"type": "worker", "index": i}} for i in range(2)]
    results = _results([_start(cpu_config, 1, tf_config, children=2) for tf_config in tf_configs])
    assert [r["replicas"] for r in results] == [2, 2]
    assert all(math.isfinite(r["loss"]) for r in results)
    # The chief's checkpoint and worker 1's scratch copy hold the same, synchronised trainable
    # weights (BatchNorm's running statistics stay per worker).
    out = Path(cpu_config.output_dir)
    chief = keras.saving.load_model(out / "checkpoints" / "last.keras")
    other = keras.saving.load_model(out / "workers" / "worker-1" / "checkpoints" / "last.keras")
    for a, b in zip(chief.trainable_weights, other.trainable_weights):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b), atol=1e-6)
{%- endif %}
