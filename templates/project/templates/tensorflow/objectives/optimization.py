{% raw %}
# ---------------------------------------------------------------- optimizer (every objective trained by fit)
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
