{% raw %}
# ---------------------------------------------------------------- loss and optimizer: reconstruction (a VAE)
def _x_log_x(p):
    return p * keras.ops.log(keras.ops.where(p > 0, p, 1.0))  # 0 log 0 = 0


# Registered, so a saved .keras checkpoint loads with it.
@keras.saving.register_keras_serializable(package=__package__)
def loss_fn(images, outputs):
    """The negative ELBO per image, its KL term weighted by metrics.KL_WEIGHT; Keras averages it over a batch.

    `outputs` rows are (reconstruction logits, one per pixel of `images` in its layout; the codes' mean;
    their log-variance). Reconstruction: binary cross-entropy of the pixels less their own entropy (the same
    gradients, and 0 for a perfect reconstruction); plus the KL divergence of the codes from N(0, 1).
    metrics.scores computes the same figures in numpy.
    """
    outputs = keras.ops.cast(outputs, "float32")
    pixels = math.prod(images.shape[1:])  # static: the image size is fixed
    x = keras.ops.reshape(keras.ops.cast(images, "float32"), (-1, pixels))
    logits, mean, log_var = outputs[:, :pixels], *keras.ops.split(outputs[:, pixels:], 2, axis=1)
    cross_entropy = keras.ops.softplus(logits) - logits * x  # binary cross-entropy on logits
    entropy = -(_x_log_x(x) + _x_log_x(1.0 - x))
    kl = 0.5 * keras.ops.sum(keras.ops.square(mean) + keras.ops.exp(log_var) - 1.0 - log_var, axis=1)
    return keras.ops.sum(cross_entropy - entropy, axis=1) + KL_WEIGHT * kl


def targets(inputs, labels):
    """What the loss compares the outputs with: the images themselves (labels only stratify the split; this
    runs inside the tf.data pipeline)."""
    return inputs


def exported(model: keras.Model) -> keras.Model:
    """The network that ships: the decoder, codes in, images (batch, height, width, channels) in [0, 1] out.
    Its layers are called again on a new input, so the model is flat (no nested model) and shares the weights."""
    decoder = model.get_layer("decoder")
    codes = keras.Input(decoder.input_shape[1:], name="latent")
    x = codes
    for layer in decoder.layers:
        x = layer(x)
    images = layers.Activation("sigmoid", dtype="float32", name="images")(x)
    return keras.Model(codes, images, name="generator")


def export_inputs(cfg: Config, checkpoint, calibration_limit: int, check_limit: int) -> dict:
    """Codes drawn from N(0, 1), as generation draws them (seeded, so every export checks the same ones): a
    batch of 2 to trace, calibration_limit to calibrate int8 on, check_limit to compare outputs on."""
    from .device import EXPORT_THEN, EXPORT_WHY, require_backend

    require_backend("export", ("tensorflow",), EXPORT_WHY, EXPORT_THEN)
    del checkpoint  # the decoder's inputs come from the prior, not from the data

    def codes(count: int, seed: int) -> np.ndarray:
        return np.random.default_rng(seed).standard_normal((count, cfg.latent_dim)).astype(np.float32)

    return {"example": codes(2, 0), "calibration": codes(calibration_limit, 1), "inputs": codes(check_limit, 2)}
{%- endraw %}

{% include "tensorflow/objectives/optimization.py" %}
