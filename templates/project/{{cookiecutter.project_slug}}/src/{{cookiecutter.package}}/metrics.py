{% include "common/metrics.py" -%}
