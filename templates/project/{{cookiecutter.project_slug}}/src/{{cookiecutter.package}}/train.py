{% include cookiecutter.framework ~ "/core/train.py" -%}
