{% include format_partial("litert") -%}
