{% raw %}
# ---------------------------------------------------------------- loss: reinforcement (PPO)
def loss_fn(
    targets: torch.Tensor,
    outputs: torch.Tensor,
    clip_range: float = 0.2,
    value_coef: float = 0.5,
    entropy_coef: float = 0.0,
) -> torch.Tensor:
    """PPO's clipped objective, per rollout step, to minimise (training averages it; train.py passes the
    config's clip_range, value_coef and entropy_coef).

    targets (steps, 4): action, advantage, the action's log-probability when it was taken, return
    (environment.Rollout.targets); outputs (steps, actions + 1): the action logits, then the value.
    """
    logits, value = outputs[:, :-1].float(), outputs[:, -1].float()
    actions, advantage, old_log_prob, returns = targets.float().unbind(dim=1)
    log_probs = torch.log_softmax(logits, dim=1)
    ratio = torch.exp(log_probs.gather(1, actions.long()[:, None])[:, 0] - old_log_prob)
    clipped = ratio.clamp(1.0 - clip_range, 1.0 + clip_range)
    policy_loss = -torch.minimum(ratio * advantage, clipped * advantage)
    entropy = -(log_probs.exp() * log_probs).sum(dim=1)
    return policy_loss + value_coef * 0.5 * (value - returns) ** 2 - entropy_coef * entropy


def targets(inputs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """What the loss compares the outputs with: a rollout's per-step targets (environment.Rollout.targets)
    travel as the batch's labels."""
    return labels


def exported(model: nn.Module) -> nn.Module:
    """The network that ships: the policy (observations -> action logits; the greedy action is their argmax).
    The value head only serves training."""
    return model.policy


def export_inputs(cfg: Config, checkpoint, calibration_limit: int, check_limit: int) -> dict:
    """Observations from greedy episodes of the checkpoint's policy: training-seed episodes calibrate int8,
    validation-seed episodes check parity, and a batch of 2 initial observations is traced."""
    from .data import sample_inputs
    from .evaluate import predict
    from .train import load_checkpoint

    small_network_threads()
    model, trained, _ = load_checkpoint(checkpoint)
    policy = exported(model)

    def logits(observations: np.ndarray) -> np.ndarray:
        return predict(policy, observations)

    def observations(part: str, limit: int):
        seeds = environment.episode_seeds(trained.seed, part, 0, 64)
        return sample_inputs(trained, environment.greedy_observations(trained.env_id, logits, seeds, limit), limit)

    return {
        "example": example_input(trained, batch_size=2),
        "calibration": observations("train", calibration_limit),
        "inputs": observations("val", check_limit),
    }
{%- endraw %}
