{% include "pytorch/scale/multi-gpu/test_distributed.py" -%}
