{% include cookiecutter.framework ~ "/train.py" -%}
