{% raw %}
# ---------------------------------------------------------------- loss and optimizer: reinforcement (PPO)
# Registered, so a saved .keras checkpoint loads with them.
@keras.saving.register_keras_serializable(package=__package__)
def loss_fn(targets, outputs, clip_range: float = 0.2, value_coef: float = 0.5, entropy_coef: float = 0.0):
    """PPO's clipped objective, per rollout step, to minimise (training averages it; PPOLoss passes the
    config's clip_range, value_coef and entropy_coef).

    targets (steps, 4): action, advantage, the action's log-probability when it was taken, return
    (environment.Rollout.targets); outputs (steps, actions + 1): the action logits, then the value.
    """
    outputs = keras.ops.cast(outputs, "float32")
    targets = keras.ops.cast(targets, "float32")
    logits, value = outputs[:, :-1], outputs[:, -1]
    actions = keras.ops.cast(targets[:, 0], "int32")
    advantage, old_log_prob, returns = targets[:, 1], targets[:, 2], targets[:, 3]
    log_probs = keras.ops.log_softmax(logits, axis=1)
    ratio = keras.ops.exp(keras.ops.take_along_axis(log_probs, actions[:, None], axis=1)[:, 0] - old_log_prob)
    clipped = keras.ops.clip(ratio, 1.0 - clip_range, 1.0 + clip_range)
    policy_loss = -keras.ops.minimum(ratio * advantage, clipped * advantage)
    entropy = -keras.ops.sum(keras.ops.exp(log_probs) * log_probs, axis=1)
    return policy_loss + value_coef * 0.5 * keras.ops.square(value - returns) - entropy_coef * entropy


@keras.saving.register_keras_serializable(package=__package__)
class PPOLoss(keras.losses.Loss):
    """loss_fn with the config's coefficients, as compile() takes a loss (and a checkpoint keeps them)."""

    def __init__(self, clip_range=0.2, value_coef=0.5, entropy_coef=0.0, name="ppo", **kwargs):
        super().__init__(name=name, **kwargs)
        self.clip_range, self.value_coef, self.entropy_coef = clip_range, value_coef, entropy_coef

    def call(self, y_true, y_pred):
        return loss_fn(y_true, y_pred, self.clip_range, self.value_coef, self.entropy_coef)

    def get_config(self):
        coefficients = {"clip_range": self.clip_range, "value_coef": self.value_coef, "entropy_coef": self.entropy_coef}
        return {**super().get_config(), **coefficients}


def targets(inputs, labels):
    """What the loss compares the outputs with: a rollout's per-step targets (environment.Rollout.targets)
    travel as the batch's labels."""
    return labels


def exported(model: keras.Model) -> keras.Model:
    """The network that ships: the policy (observations -> action logits; the greedy action is their argmax),
    a model over the same layers. The value head only serves training."""
    return keras.Model(model.input, model.get_layer("logits").output, name="policy")


def export_inputs(cfg: Config, checkpoint, calibration_limit: int, check_limit: int) -> dict:
    """Observations from greedy episodes of the checkpoint's policy: training-seed episodes calibrate int8,
    validation-seed episodes check parity, and a batch of 2 initial observations is traced."""
    from .data import sample_inputs
    from .device import EXPORT_THEN, EXPORT_WHY, require_backend
    from .train import greedy_logits, load_checkpoint

    require_backend("export", ("tensorflow",), EXPORT_WHY, EXPORT_THEN)
    model, trained, _ = load_checkpoint(checkpoint)
    logits = greedy_logits(exported(model))
    def observations(part: str, limit: int):
        seeds = environment.episode_seeds(trained.seed, part, 0, 64)
        return sample_inputs(trained, environment.greedy_observations(trained.env_id, logits, seeds, limit), limit)

    return {
        "example": example_input(trained, batch_size=2),
        "calibration": observations("train", calibration_limit),
        "inputs": observations("val", check_limit),
    }


def make_optimizer(cfg: Config) -> keras.optimizers.Optimizer:
    """AdamW with the config's learning rate (set per iteration by train.py), weight decay and gradient
    clipping; epsilon 1e-5, PPO's usual (as in PyTorch). The tests use this very function."""
    return keras.optimizers.AdamW(
        learning_rate=cfg.learning_rate,
        weight_decay=cfg.weight_decay,
        epsilon=1e-5,
        global_clipnorm=cfg.grad_clip_norm or None,
    )


def compile_model(model: keras.Model, cfg: Config, optimizer: keras.optimizers.Optimizer | None = None) -> keras.Model:
    """The model compiled with make_optimizer (or `optimizer`, e.g. a resumed one) and PPO's loss with the
    config's coefficients: what train_on_batch and compute_loss use, and what a checkpoint saves."""
    loss = PPOLoss(cfg.clip_range, cfg.value_coef, cfg.entropy_coef)
    model.compile(optimizer=optimizer or make_optimizer(cfg), loss=loss)
    return model
{%- endraw %}
