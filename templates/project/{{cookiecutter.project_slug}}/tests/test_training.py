{% include task_partial("tests/test_training.py", cookiecutter.framework ~ "/tests/test_training.py") -%}
