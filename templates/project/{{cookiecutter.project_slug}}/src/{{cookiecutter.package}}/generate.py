{% include task_file("generate.py") -%}
