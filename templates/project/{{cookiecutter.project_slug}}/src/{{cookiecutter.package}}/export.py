{% include cookiecutter.framework ~ "/export.py" -%}
