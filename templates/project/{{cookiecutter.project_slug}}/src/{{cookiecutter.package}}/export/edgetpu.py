{% include format_partial("edgetpu") -%}
