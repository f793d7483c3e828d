"""DDP across 2 CPU processes (gloo): torchrun starts, training finishes, and the ranks agree."""
{% raw %}
import dataclasses
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
{% endraw %}
SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "{{ cookiecutter.package }}"
{% raw %}
# Each rank trains, then writes a checksum of its final weights; DDP must keep them identical.
RUNNER = textwrap.dedent(
    """
    import json, os, sys
    from pathlib import Path

    sys.path.insert(0, sys.argv[1])
    from PACKAGE.config import Config
    from PACKAGE.train import train

    cfg = Config(**json.loads(Path(sys.argv[2]).read_text()))
    result = train(cfg)
    checksum = sum(p.double().sum().item() for p in result.model.parameters())
    Path(sys.argv[3], "rank" + os.environ["RANK"] + ".json").write_text(json.dumps(checksum))
    """
).replace("PACKAGE", PACKAGE)


@pytest.mark.smoke
@pytest.mark.distributed
def test_ddp_on_two_cpu_processes(cpu_config, tmp_path):
    cfg = dataclasses.replace(cpu_config, device="cpu", epochs=1)
    (tmp_path / "config.json").write_text(json.dumps(dataclasses.asdict(cfg)))
    (tmp_path / "runner.py").write_text(RUNNER)
    command = [
        sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
        str(tmp_path / "runner.py"), str(SRC), str(tmp_path / "config.json"), str(tmp_path),
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}  # force gloo on CPU
    if sys.platform == "win32":
        env["USE_LIBUV"] = "0"  # Windows builds of torch have no libuv TCPStore
    proc = subprocess.run(command, capture_output=True, text=True, timeout=180, env=env, check=False)
    assert proc.returncode == 0, f"torchrun failed:\n{proc.stdout}\n{proc.stderr}"

    checksums = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert checksums[0] == checksums[1], f"ranks disagree after training: {checksums}"
    assert Path(cfg.output_dir, "checkpoints", "last.pt").is_file()  # written by rank 0 only
{%- endraw %}
