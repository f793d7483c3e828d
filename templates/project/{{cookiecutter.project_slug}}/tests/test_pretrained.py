{% include task_file("tests/test_pretrained.py", cookiecutter.pretrained == "yes") -%}
