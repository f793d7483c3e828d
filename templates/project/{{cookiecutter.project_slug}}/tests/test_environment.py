{% include task_file("tests/test_environment.py") -%}
