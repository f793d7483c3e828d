{% raw %}

# ---------------------------------------------------------------- rl: rollout minibatches (PyTorch tensors)
def check_batch(inputs, targets, cfg):
    assert inputs.dtype == torch.float32 and targets.dtype == torch.float32
    assert inputs.shape[1] == environment.spec(cfg.env_id).observation_size and targets.shape[1] == 4
    assert len(inputs) == len(targets) <= cfg.batch_size


def one_pass(batches, epoch: int) -> tuple[torch.Tensor, torch.Tensor]:
    batches.set_epoch(epoch)
    inputs, targets = zip(*batches, strict=True)
    return torch.cat(inputs), torch.cat(targets)
{%- endraw %}
