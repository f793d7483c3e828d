#!/bin/bash
# Train on every GPU of this machine with tf.distribute.MirroredStrategy: one process, one replica
# per GPU, gradients all-reduced each step. batch_size in the config is per GPU.
#   bash scripts/launch_multi_gpu.sh --epochs 20
#   CUDA_VISIBLE_DEVICES=0,1 bash scripts/launch_multi_gpu.sh     # a subset of the GPUs
PACKAGE={{ cookiecutter.package }}
# An explicit GPU device makes a missing GPU an error instead of a silent CPU run ("auto" where
# TensorFlow has no GPU build for the target, {{ cookiecutter.hardware }} here).
DEVICE={{ {"nvidia": "cuda", "amd": "rocm"}.get(cookiecutter.hardware, "auto") }}
{% raw %}
set -euo pipefail
cd "$(dirname "$0")/.."

"${PYTHON:-python}" -c 'import tensorflow as tf; print("GPUs visible to TensorFlow:", len(tf.config.list_physical_devices("GPU")))'
exec "${PYTHON:-python}" -m "$PACKAGE.train" --device "$DEVICE" "$@"
{%- endraw %}
