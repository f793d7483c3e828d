{% raw %}
# ---------------------------------------------------------------- loss: classification
def loss_fn(labels: torch.Tensor, outputs: torch.Tensor) -> torch.Tensor:
    """Cross-entropy on logits, per example (labels first, as in Keras); training averages it.

    Scores (accuracy, macro-F1, the confusion matrix) come from the logits, in metrics.py.
    """
    return nn.functional.cross_entropy(outputs.float(), labels, reduction="none")
{%- endraw %}
