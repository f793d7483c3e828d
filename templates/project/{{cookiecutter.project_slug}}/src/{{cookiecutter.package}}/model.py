{% include cookiecutter.framework ~ "/tasks/" ~ cookiecutter.task ~ "/model.py" -%}
