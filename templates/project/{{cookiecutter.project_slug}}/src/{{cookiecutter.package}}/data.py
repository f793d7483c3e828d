{% include task_partial("data.py", cookiecutter.framework ~ "/core/data.py") -%}
