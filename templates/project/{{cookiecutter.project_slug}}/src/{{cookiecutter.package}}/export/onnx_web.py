{% include format_partial("onnx_web") -%}
