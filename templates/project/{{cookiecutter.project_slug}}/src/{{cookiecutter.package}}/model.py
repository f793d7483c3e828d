{% include cookiecutter.framework ~ "/model.py" -%}
