{% include task_partial("evaluate.py", cookiecutter.framework ~ "/core/evaluate.py") -%}
