{% include format_partial("executorch") -%}
