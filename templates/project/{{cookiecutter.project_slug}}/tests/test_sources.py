{% include task_partial("tests/test_sources.py", "common/tests/test_sources.py") -%}
