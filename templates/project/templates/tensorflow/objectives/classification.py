{% raw %}
# ---------------------------------------------------------------- loss and metrics: classification
# Both take (labels, outputs) and give one value per example: Keras averages them over a batch, the
# multi-worker loop in train.py sums them. Registered, so a saved .keras model loads with them.
@keras.saving.register_keras_serializable(package=__package__)
def loss_fn(labels, outputs):
    """Cross-entropy on logits, per example."""
    return keras.losses.sparse_categorical_crossentropy(labels, outputs, from_logits=True)


@keras.saving.register_keras_serializable(package=__package__)
def accuracy(labels, outputs):
    """1.0 where the highest logit is the label, per example."""
    return keras.metrics.sparse_categorical_accuracy(labels, outputs)


# Reported by fit()/evaluate() as <name> and val_<name>.
METRICS = {"accuracy": accuracy}


def compile_model(model: keras.Model, cfg: Config) -> keras.Model:
    """The model compiled with AdamW and this task's loss and metrics."""
    model.compile(
        optimizer=keras.optimizers.AdamW(learning_rate=cfg.learning_rate, weight_decay=cfg.weight_decay),
        loss=loss_fn,
        metrics=[keras.metrics.MeanMetricWrapper(metric, name=name) for name, metric in METRICS.items()],
    )
    return model
{%- endraw %}
