{% include cookiecutter.framework ~ "/launch_multi_gpu.sh" -%}
