{% include format_partial("tensorrt") -%}
