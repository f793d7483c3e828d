{% include cookiecutter.framework ~ "/data.py" -%}
