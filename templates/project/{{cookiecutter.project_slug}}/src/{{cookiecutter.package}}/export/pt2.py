{% include format_partial("pt2") -%}
