{% include format_partial("tfjs") -%}
