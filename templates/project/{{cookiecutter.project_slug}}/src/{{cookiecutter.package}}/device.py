{% include cookiecutter.framework ~ "/core/device.py" -%}
