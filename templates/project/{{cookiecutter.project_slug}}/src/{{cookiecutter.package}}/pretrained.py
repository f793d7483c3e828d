{% include task_file("pretrained.py", cookiecutter.pretrained == "yes") -%}
