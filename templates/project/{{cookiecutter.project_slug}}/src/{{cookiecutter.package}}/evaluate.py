{% include cookiecutter.framework ~ "/evaluate.py" -%}
