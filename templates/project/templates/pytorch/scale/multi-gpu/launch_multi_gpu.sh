#!/usr/bin/env bash
# Train on every GPU of this machine: torchrun starts one process per GPU and DDP averages gradients.
#   bash scripts/launch_multi_gpu.sh [train arguments, e.g. --epochs 20]
# Each process sees batch_size examples per step, so the global batch is batch_size x number of GPUs.
PACKAGE={{ cookiecutter.package }}
DEVICES={{ catalog.hardware[cookiecutter.hardware].torchrun_processes }}  # torchrun --nproc_per_node: one process per device
{% raw %}
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="src${PYTHONPATH:+:$PYTHONPATH}"
# python -m torch.distributed.run is torchrun, from the active Python (no PATH lookup).
exec "${PYTHON:-python}" -m torch.distributed.run --standalone --nproc-per-node="$DEVICES" -m "$PACKAGE.train" "$@"
{%- endraw %}
