{% include cookiecutter.framework ~ "/tests/test_training.py" -%}
