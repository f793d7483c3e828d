"""A {{ cookiecutter.framework }} {{ cookiecutter.task }} project; see README.md."""

PROJECT_NAME = {{ cookiecutter.project_name|py_str }}
__version__ = "0.1.0"
