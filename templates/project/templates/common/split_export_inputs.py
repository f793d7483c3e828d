{% raw %}

def split_export_inputs(cfg: Config, checkpoint, calibration_limit: int, check_limit: int) -> dict:
    """Export inputs from the data split recorded with the checkpoint: a batch of 2 to trace, up to
    calibration_limit training examples (int8 calibration) and up to check_limit validation examples (parity)."""
    from .model import example_input
    from .train import recorded_split

    cfg, examples, split = sources.split_examples(cfg, recorded_split(checkpoint))
    return {
        "example": example_input(cfg, batch_size=2),  # a batch of 1 could be baked in as a constant
        "calibration": sample_inputs(cfg, examples.take(split.train), calibration_limit),
        "inputs": sample_inputs(cfg, examples.take(split.val), check_limit),
    }
{%- endraw %}
