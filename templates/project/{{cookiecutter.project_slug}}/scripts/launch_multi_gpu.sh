{% include scale_partial("scripts/launch_multi_gpu.sh") -%}
