{% include cookiecutter.framework ~ "/core/evaluate.py" -%}
