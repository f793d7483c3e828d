{% include task_partial("train.py", cookiecutter.framework ~ "/core/train.py") -%}
