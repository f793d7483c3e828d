{% include cookiecutter.framework ~ "/tests/test_device.py" -%}
