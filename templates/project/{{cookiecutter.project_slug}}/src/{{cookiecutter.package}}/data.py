{% include cookiecutter.framework ~ "/core/data.py" -%}
