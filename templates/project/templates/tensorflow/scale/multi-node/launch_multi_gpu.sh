{% include "tensorflow/scale/multi-gpu/launch_multi_gpu.sh" -%}
