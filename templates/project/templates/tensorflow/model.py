{%- if cookiecutter.task == "vision" -%}
"""A small Keras 3 CNN for image classification; it outputs logits and comes compiled."""
{%- elif cookiecutter.task == "nlp" -%}
"""A small Keras 3 transformer encoder for text classification; it outputs logits and comes compiled."""
{%- else -%}
"""A small Keras 3 MLP for tabular classification; it outputs logits and comes compiled."""
{%- endif %}

from __future__ import annotations

import keras
from keras import layers

from .config import Config
{% if cookiecutter.task == "vision" %}

def _network(cfg: Config) -> keras.Model:
    inputs = keras.Input((cfg.image_size, cfg.image_size, cfg.channels), name="image")
    x = inputs
    for filters in (cfg.base_filters, 2 * cfg.base_filters):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.MaxPooling2D()(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(cfg.dropout)(x)
    # float32 logits keep the loss stable under mixed precision.
    outputs = layers.Dense(cfg.num_classes, dtype="float32", name="logits")(x)
    return keras.Model(inputs, outputs, name="small_cnn")
{%- elif cookiecutter.task == "nlp" %}

@keras.saving.register_keras_serializable(package="{{ cookiecutter.package }}")
class PositionEmbedding(layers.Layer):
    """Adds a learned vector per position and passes the padding mask on."""

    def __init__(self, max_len: int, dim: int, **kwargs):
        super().__init__(**kwargs)
        self.max_len, self.dim = max_len, dim
        self.supports_masking = True

    def build(self, input_shape):
        self.table = self.add_weight(shape=(self.max_len, self.dim), initializer="random_normal")

    def call(self, x):
        return x + self.table[None, : keras.ops.shape(x)[1]]

    def get_config(self):
        return {**super().get_config(), "max_len": self.max_len, "dim": self.dim}


def _encoder_block(x, cfg: Config):
    # Keras carries the padding mask from the Embedding, so attention and pooling skip padding.
    attention = layers.MultiHeadAttention(cfg.num_heads, cfg.embed_dim // cfg.num_heads, dropout=cfg.dropout)
    x = layers.LayerNormalization()(layers.Add()([x, attention(x, x)]))
    ffn = layers.Dense(2 * cfg.embed_dim, activation="relu")(x)
    ffn = layers.Dropout(cfg.dropout)(layers.Dense(cfg.embed_dim)(ffn))
    return layers.LayerNormalization()(layers.Add()([x, ffn]))


def _network(cfg: Config) -> keras.Model:
    inputs = keras.Input((cfg.max_len,), dtype="int32", name="tokens")
    x = layers.Embedding(cfg.vocab_size, cfg.embed_dim, mask_zero=True)(inputs)  # id 0 is padding
    x = PositionEmbedding(cfg.max_len, cfg.embed_dim)(x)
    for _ in range(cfg.num_layers):
        x = _encoder_block(x, cfg)
    x = layers.GlobalAveragePooling1D()(x)
    # float32 logits keep the loss stable under mixed precision.
    outputs = layers.Dense(cfg.num_classes, dtype="float32", name="logits")(x)
    return keras.Model(inputs, outputs, name="small_transformer")
{%- else %}

def _network(cfg: Config) -> keras.Model:
    # Features are used as given: standardise wide-ranging columns first, or add a
    # keras.layers.Normalization layer adapted on the training split.
    inputs = keras.Input((cfg.num_features,), name="features")
    x = inputs
    for _ in range(2):
        x = layers.Dense(cfg.hidden_dim, activation="relu")(x)
        x = layers.Dropout(cfg.dropout)(x)
    # float32 logits keep the loss stable under mixed precision.
    outputs = layers.Dense(cfg.num_classes, dtype="float32", name="logits")(x)
    return keras.Model(inputs, outputs, name="mlp")
{%- endif %}


def build_model(cfg: Config) -> keras.Model:
    """The model, compiled with AdamW and cross-entropy on logits.

    Call it inside `strategy.scope()` when training distributed, so its variables are mirrored.
    """
    model = _network(cfg)
    model.compile(
        optimizer=keras.optimizers.AdamW(learning_rate=cfg.learning_rate, weight_decay=cfg.weight_decay),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
    )
    return model
