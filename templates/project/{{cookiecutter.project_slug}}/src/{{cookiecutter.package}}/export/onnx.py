{% include format_partial("onnx") -%}
