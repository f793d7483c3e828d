{% include cookiecutter.framework ~ "/tests/test_export.py" -%}
