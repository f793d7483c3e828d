{% include task_file("environment.py") -%}
