{% include task_partial("tests/test_export.py", "common/tests/test_export.py") -%}
