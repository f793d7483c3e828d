{% include "common/export/tools.py" -%}
