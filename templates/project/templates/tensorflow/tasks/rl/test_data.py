{% raw %}

# ---------------------------------------------------------------- rl: rollout minibatches (numpy, for tf.function)
def check_batch(inputs, targets, cfg):
    assert inputs.dtype == np.float32 and targets.dtype == np.float32
    assert inputs.shape[1] == environment.spec(cfg.env_id).observation_size and targets.shape[1] == 4
    assert len(inputs) == len(targets) <= cfg.batch_size


def one_pass(batches, epoch: int) -> tuple[np.ndarray, np.ndarray]:
    batches.set_epoch(epoch)
    inputs, targets = zip(*batches, strict=True)
    return np.concatenate(inputs), np.concatenate(targets)
{%- endraw %}
