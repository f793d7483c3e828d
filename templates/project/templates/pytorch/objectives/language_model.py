{% raw %}
# ---------------------------------------------------------------- loss: language model
def loss_fn(targets: torch.Tensor, outputs: torch.Tensor) -> torch.Tensor:
    """Next-token cross-entropy on logits (batch, tokens, vocabulary), averaged over each window's tokens: one
    loss per example (targets first, as in Keras); training averages it over the batch.

    Perplexity and token accuracy come from the same logits, in metrics.py.
    """
    return nn.functional.cross_entropy(outputs.float().transpose(1, 2), targets, reduction="none").mean(dim=1)


def targets(inputs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """What the loss compares the outputs with: the next token of every position (sources.py shifts them)."""
    return labels


def exported(model: nn.Module) -> nn.Module:
    """The network that ships: the language model itself (token ids in, next-token logits out)."""
    return model


def export_inputs(cfg: Config, checkpoint, calibration_limit: int, check_limit: int) -> dict:
    """Windows from the split recorded with the checkpoint (data.split_export_inputs)."""
    from .data import split_export_inputs

    return split_export_inputs(cfg, checkpoint, calibration_limit, check_limit)
{%- endraw %}
