{% raw %}
# ---------------------------------------------------------------- loss: reconstruction (a VAE's negative ELBO)
def _x_log_x(p: torch.Tensor) -> torch.Tensor:
    return torch.xlogy(p, p)  # 0 log 0 = 0


def loss_fn(images: torch.Tensor, outputs: torch.Tensor) -> torch.Tensor:
    """The negative ELBO per image, its KL term weighted by metrics.KL_WEIGHT (targets first, as in Keras);
    training averages it.

    `outputs` rows are (reconstruction logits, one per pixel of `images` in its layout; the codes' mean;
    their log-variance). Reconstruction: binary cross-entropy of the pixels less their own entropy (the same
    gradients, and 0 for a perfect reconstruction); plus the KL divergence of the codes from N(0, 1).
    metrics.scores computes the same figures in numpy.
    """
    x = images.float().flatten(1)
    outputs = outputs.float()
    pixels = x.shape[1]
    logits = outputs[:, :pixels]
    mean, log_var = outputs[:, pixels:].chunk(2, dim=1)
    cross_entropy = nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none")
    entropy = -(_x_log_x(x) + _x_log_x(1.0 - x))
    kl = 0.5 * (mean.square() + log_var.exp() - 1.0 - log_var).sum(dim=1)
    return (cross_entropy - entropy).sum(dim=1) + KL_WEIGHT * kl


def targets(inputs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """What the loss compares the outputs with: the images themselves (labels only stratify the split)."""
    return inputs


def exported(model: nn.Module) -> nn.Module:
    """The network that ships: the decoder, codes in, images in [0, 1] out (model.Generator)."""
    return Generator(model.decoder).eval()


def export_inputs(cfg: Config, checkpoint, calibration_limit: int, check_limit: int) -> dict:
    """Codes drawn from N(0, 1), as generation draws them (seeded, so every export checks the same ones): a
    batch of 2 to trace, calibration_limit to calibrate int8 on, check_limit to compare outputs on."""
    del checkpoint  # the decoder's inputs come from the prior, not from the data

    def codes(count: int, seed: int) -> np.ndarray:
        return np.random.default_rng(seed).standard_normal((count, cfg.latent_dim)).astype(np.float32)

    return {
        "example": torch.from_numpy(codes(2, 0)),
        "calibration": codes(calibration_limit, 1),
        "inputs": codes(check_limit, 2),
    }
{%- endraw %}
