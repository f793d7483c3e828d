{% raw %}
# ---------------------------------------------------------------- loss: classification
def loss_fn(labels: torch.Tensor, outputs: torch.Tensor) -> torch.Tensor:
    """Cross-entropy on logits, per example (labels first, as in Keras); training averages it.

    Scores (accuracy, macro-F1, the confusion matrix) come from the logits, in metrics.py.
    """
    return nn.functional.cross_entropy(outputs.float(), labels, reduction="none")

def targets(inputs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """What the loss compares the outputs with: the class labels."""
    return labels


def exported(model: nn.Module) -> nn.Module:
    """The network that ships: the classifier itself."""
    return model


def export_inputs(cfg: Config, checkpoint, calibration_limit: int, check_limit: int) -> dict:
    """Examples from the split recorded with the checkpoint (data.split_export_inputs)."""
    from .data import split_export_inputs

    return split_export_inputs(cfg, checkpoint, calibration_limit, check_limit)
{%- endraw %}
