{% include format_partial("coreml") -%}
