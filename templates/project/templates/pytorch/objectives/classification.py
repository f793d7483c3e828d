{% raw %}
# ---------------------------------------------------------------- loss and metrics: classification
# Both take (labels, outputs), as Keras does, and give one value per example: training averages them,
# validation sums them over the split.
def loss_fn(labels: torch.Tensor, outputs: torch.Tensor) -> torch.Tensor:
    """Cross-entropy on logits, per example."""
    return nn.functional.cross_entropy(outputs, labels, reduction="none")


def accuracy(labels: torch.Tensor, outputs: torch.Tensor) -> torch.Tensor:
    """1.0 where the highest logit is the label, per example."""
    return (outputs.argmax(1) == labels).float()


# Reported by validate()/evaluate() and logged as val_<name>.
METRICS = {"accuracy": accuracy}
{%- endraw %}
