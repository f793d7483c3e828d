#!/bin/bash
# Train on every GPU of this machine with tf.distribute.MirroredStrategy: one process, one replica
# per GPU, gradients all-reduced each step. batch_size in the config is per GPU.
#   bash scripts/launch_multi_gpu.sh --epochs 20
#   CUDA_VISIBLE_DEVICES=0,1 bash scripts/launch_multi_gpu.sh     # a subset of the GPUs
set -euo pipefail
cd "$(dirname "$0")/.."

python -c 'import tensorflow as tf; print("GPUs visible to TensorFlow:", len(tf.config.list_physical_devices("GPU")))'
{%- if cookiecutter.hardware in ["nvidia", "amd"] %}
# An explicit device makes a missing GPU an error instead of a silent CPU run.
exec python -m {{ cookiecutter.package }}.train --device {{ "rocm" if cookiecutter.hardware == "amd" else "cuda" }} "$@"
{%- else %}
exec python -m {{ cookiecutter.package }}.train "$@"
{%- endif %}
