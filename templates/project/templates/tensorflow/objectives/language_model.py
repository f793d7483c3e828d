{% raw %}
# ---------------------------------------------------------------- loss and optimizer: language model
# Registered, so a saved .keras checkpoint loads with them.
@keras.saving.register_keras_serializable(package=__package__)
def loss_fn(targets, outputs):
    """Next-token cross-entropy on logits (batch, tokens, vocabulary), averaged over each window's tokens: one
    loss per example; Keras averages it over a batch.

    Perplexity and token accuracy come from the same logits, in metrics.py.
    """
    per_token = keras.losses.sparse_categorical_crossentropy(targets, outputs, from_logits=True)
    return keras.ops.mean(per_token, axis=-1)


def targets(inputs, labels):
    """What the loss compares the outputs with: the next token of every position (sources.py shifts them;
    runs inside the tf.data pipeline)."""
    return labels


def exported(model: keras.Model) -> keras.Model:
    """The network that ships: the language model itself (token ids in, next-token logits out)."""
    return model


def export_inputs(cfg: Config, checkpoint, calibration_limit: int, check_limit: int) -> dict:
    """Windows from the split recorded with the checkpoint (data.split_export_inputs)."""
    from .data import split_export_inputs
    from .device import EXPORT_THEN, EXPORT_WHY, require_backend

    require_backend("export", ("tensorflow",), EXPORT_WHY, EXPORT_THEN)

    return split_export_inputs(cfg, checkpoint, calibration_limit, check_limit)
{%- endraw %}

{% include "tensorflow/objectives/optimization.py" %}
