{% include format_partial("tflm") -%}
