{% include task_partial("conftest.py", "common/tests/conftest.py") -%}
