{% include task_file("tests/test_sample.py") -%}
