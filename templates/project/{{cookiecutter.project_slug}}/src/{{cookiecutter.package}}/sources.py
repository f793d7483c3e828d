{% include "common/tasks/" ~ cookiecutter.task ~ "/sources.py" -%}
