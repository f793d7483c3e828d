{% raw %}
# ---------------------------------------------------------------- loss and optimizer: classification
# Registered, so a saved .keras checkpoint loads with them.
@keras.saving.register_keras_serializable(package=__package__)
def loss_fn(labels, outputs):
    """Cross-entropy on logits, per example; Keras averages it over a batch.

    Scores (accuracy, macro-F1, the confusion matrix) come from the logits, in metrics.py.
    """
    return keras.losses.sparse_categorical_crossentropy(labels, outputs, from_logits=True)


def targets(inputs, labels):
    """What the loss compares the outputs with: the class labels (runs inside the tf.data pipeline)."""
    return labels


def exported(model: keras.Model) -> keras.Model:
    """The network that ships: the classifier itself."""
    return model


def export_inputs(cfg: Config, checkpoint, calibration_limit: int, check_limit: int) -> dict:
    """Examples from the split recorded with the checkpoint (data.split_export_inputs)."""
    from .data import split_export_inputs
    from .device import EXPORT_THEN, EXPORT_WHY, require_backend

    require_backend("export", ("tensorflow",), EXPORT_WHY, EXPORT_THEN)

    return split_export_inputs(cfg, checkpoint, calibration_limit, check_limit)
{%- endraw %}

{% include "tensorflow/objectives/optimization.py" %}
