"""Remove the files this project's scale does not need."""

from pathlib import Path

SCALE = "{{ cookiecutter.scale }}"

UNNEEDED = {
    "single": ["scripts/launch_multi_gpu.sh", "scripts/launch_multi_node.sbatch", "tests/test_distributed.py"],
    "multi-gpu": ["scripts/launch_multi_node.sbatch"],
    "multi-node": [],
}

for name in UNNEEDED[SCALE]:
    Path(name).unlink(missing_ok=True)

scripts = Path("scripts")
if scripts.is_dir() and not any(scripts.iterdir()):
    scripts.rmdir()
