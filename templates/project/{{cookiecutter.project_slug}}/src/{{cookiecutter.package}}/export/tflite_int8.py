{% include format_partial("tflite_int8") -%}
