{% include scale_partial("tests/test_distributed.py") -%}
