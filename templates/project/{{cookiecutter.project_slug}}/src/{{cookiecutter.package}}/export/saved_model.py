{% include format_partial("saved_model") -%}
