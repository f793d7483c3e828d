{% include "pytorch/scale/multi-gpu/launch_multi_gpu.sh" -%}
