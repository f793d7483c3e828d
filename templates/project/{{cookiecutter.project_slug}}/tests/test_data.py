{% include task_partial("tests/test_data.py", cookiecutter.framework ~ "/tests/test_data.py") -%}
