"""Multi-device training on the CPU, in fresh processes (TensorFlow fixes its devices at start-up).

multi-node/test_distributed.py extends this file: same helpers, its own `tests` block.
"""
{% raw %}
import dataclasses
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
{% endraw %}
ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "{{ cookiecutter.package }}"
{% raw %}
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
print("RESULT", json.dumps({"replicas": result.replicas, "loss": result.final["train_loss"]}))
""".replace("PACKAGE", PACKAGE)


def _start(cfg, devices: int, tf_config: dict | None = None, children: int = 1) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key != "TF_CONFIG"}
    env["PYTHONPATH"] = str(ROOT / "src")
    if tf_config:
        env["TF_CONFIG"] = json.dumps(tf_config)
    threads = max(1, (os.cpu_count() or 2) // children)
    args = [sys.executable, "-c", CHILD, json.dumps(dataclasses.asdict(cfg)), str(devices), str(threads)]
    return subprocess.Popen(args, cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _results(procs: list[subprocess.Popen], timeout: float = 180) -> list[dict]:
    try:
        outputs = [proc.communicate(timeout=timeout)[0] for proc in procs]
    finally:
        for proc in procs:
            proc.kill()  # no-op after a clean exit; stops a worker left waiting for a failed peer
    for proc, out in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, out[-3000:]
    return [json.loads(out.rsplit("RESULT", 1)[1]) for out in outputs]
{% endraw %}
{%- block tests %}{% raw %}


@pytest.mark.smoke
@pytest.mark.distributed
def test_mirrored_strategy_over_two_devices(cpu_config):
    """The multi-GPU path (MirroredStrategy), with two logical CPUs standing in for two GPUs."""
    (result,) = _results([_start(cpu_config, devices=2)])
    assert result["replicas"] == 2
    assert math.isfinite(result["loss"])
    assert (Path(cpu_config.output_dir) / "checkpoints" / "last.keras").is_file()
{%- endraw %}{% endblock %}
