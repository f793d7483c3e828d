{% include task_file("sample.py") -%}
