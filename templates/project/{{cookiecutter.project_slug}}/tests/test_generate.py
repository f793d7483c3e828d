{% include task_file("tests/test_generate.py") -%}
