{% include cookiecutter.framework ~ "/tests/test_data.py" -%}
