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
    del checkpoint  # the decoder's inputs come from the prior, not from the data

    def codes(count: int, seed: int) -> np.ndarray:
        return np.random.default_rng(seed).standard_normal((count, cfg.latent_dim)).astype(np.float32)

    return {"example": codes(2, 0), "calibration": codes(calibration_limit, 1), "inputs": codes(check_limit, 2)}


@keras.saving.register_keras_serializable(package=__package__)
class LearningRateSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """cfg.lr_schedule per optimizer step: linear warm-up, then cosine decay to 0 (metrics.learning_rate_factor)."""

    def __init__(self, learning_rate: float, total_steps: int, warmup_steps: int, schedule: str = "cosine"):
        self.learning_rate, self.total_steps = learning_rate, total_steps
        self.warmup_steps, self.schedule = warmup_steps, schedule

    def __call__(self, step):
        if self.schedule == "constant":
            return keras.ops.convert_to_tensor(self.learning_rate, "float32")
        step = keras.ops.cast(step, "float32")
        warmup = max(self.warmup_steps, 1)
        progress = keras.ops.clip((step - self.warmup_steps) / max(1, self.total_steps - self.warmup_steps), 0.0, 1.0)
        cosine = 0.5 * (1.0 + keras.ops.cos(math.pi * progress))
        factor = keras.ops.where(step < self.warmup_steps, (step + 1.0) / warmup, cosine)
        return self.learning_rate * factor

    def get_config(self):
        return {
            "learning_rate": self.learning_rate,
            "total_steps": self.total_steps,
            "warmup_steps": self.warmup_steps,
            "schedule": self.schedule,
        }


def learning_rate_schedule(cfg: Config, steps_per_epoch: int) -> LearningRateSchedule:
    total = cfg.epochs * steps_per_epoch
    warmup = min(total, round(cfg.warmup_epochs * steps_per_epoch))
    return LearningRateSchedule(cfg.learning_rate, total, warmup, cfg.lr_schedule)


def make_optimizer(cfg: Config, steps_per_epoch: int | None = None) -> keras.optimizers.Optimizer:
    """AdamW with the config's learning rate (scheduled when steps_per_epoch is known), weight decay and
    gradient clipping; the tests use this very function."""
    learning_rate = learning_rate_schedule(cfg, steps_per_epoch) if steps_per_epoch else cfg.learning_rate
    return keras.optimizers.AdamW(
        learning_rate=learning_rate, weight_decay=cfg.weight_decay, global_clipnorm=cfg.grad_clip_norm or None
    )


def compile_model(
    model: keras.Model,
    cfg: Config,
    steps_per_epoch: int | None = None,
    replicas: int = 1,
    optimizer: keras.optimizers.Optimizer | None = None,
) -> keras.Model:
    """The model compiled with make_optimizer (or `optimizer`, e.g. a resumed one) and this task's loss.

    On one device, steps_per_execution runs several steps per call into TensorFlow: small models would
    otherwise spend most of their time returning to Python between steps. It must divide the steps of an
    epoch (Keras runs whole executions, so the rest would spill into the next epoch): the largest divisor
    up to 32. Under MirroredStrategy several steps per call fail with these pipelines (TF 2.21: "You must
    feed a value for placeholder"), so several replicas run one step per call.
    """
    steps = steps_per_epoch or 1
    per_call = max(d for d in range(1, min(32, steps) + 1) if steps % d == 0) if replicas == 1 else 1
    optimizer = optimizer or make_optimizer(cfg, steps_per_epoch)
    model.compile(optimizer=optimizer, loss=loss_fn, steps_per_execution=per_call)
    return model
{%- endraw %}
