{% include cookiecutter.framework ~ "/tests/test_checkpoint.py" -%}
