{% include cookiecutter.framework ~ "/tests/test_distributed.py" -%}
