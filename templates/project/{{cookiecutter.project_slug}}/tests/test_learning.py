{% include task_partial("tests/test_learning.py", "common/tests/test_learning.py") -%}
