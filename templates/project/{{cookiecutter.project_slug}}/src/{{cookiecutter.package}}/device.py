{% include cookiecutter.framework ~ "/device.py" -%}
