{% include task_partial("tests/test_checkpoint.py", cookiecutter.framework ~ "/tests/test_checkpoint.py") -%}
