{% raw %}
# ---------------------------------------------------------------- objective: reconstruction (a VAE)
VALIDATION = ("loss", "reconstruction", "kl")  # logged every epoch as val_<name>
REPORTED = ("loss", "reconstruction", "kl", "examples")  # evaluate --json and the test line of metrics.jsonl
TOP1_AGREEMENT = False  # the exported decoder outputs pixels, not class scores: int8 parity is per pixel only
# The weight of the KL term in the loss (model.loss_fn reads it too): 1 is the plain negative ELBO; 2 keeps the
# codes closer to N(0, 1), so images drawn from it look more like the data (a beta-VAE), at some blur.
KL_WEIGHT = 2.0


def split_outputs(images: np.ndarray, outputs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A VAE's outputs per example, (reconstruction logits, one per pixel of `images` in its layout; the
    codes' mean; their log-variance), as float64."""
    pixels = int(np.prod(images.shape[1:]))
    outputs = np.asarray(outputs, dtype=np.float64)
    mean, log_var = np.split(outputs[:, pixels:], 2, axis=1)
    return outputs[:, :pixels], mean, log_var


def _x_log_x(p: np.ndarray) -> np.ndarray:
    return p * np.log(np.where(p > 0, p, 1.0))  # 0 log 0 = 0


def reconstruction_terms(images: np.ndarray, outputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(reconstruction, kl) per example, in nats: binary cross-entropy of the pixels less their own entropy
    (0 for a perfect reconstruction, whatever the image), and the KL divergence of the codes from N(0, 1)."""
    x = np.asarray(images, dtype=np.float64).reshape(len(images), -1)
    logits, mean, log_var = split_outputs(images, outputs)
    cross_entropy = np.maximum(logits, 0) - logits * x + np.log1p(np.exp(-np.abs(logits)))
    entropy = -(_x_log_x(x) + _x_log_x(1.0 - x))
    reconstruction = (cross_entropy - entropy).sum(axis=1)
    kl = 0.5 * (mean**2 + np.exp(log_var) - 1.0 - log_var).sum(axis=1)
    return reconstruction, kl


def scores(images: np.ndarray, outputs: np.ndarray) -> dict:
    """loss (reconstruction + KL_WEIGHT x kl per image: the loss training minimises), reconstruction, kl and
    examples of a split."""
    if len(images) == 0:
        return {"loss": math.nan, "reconstruction": math.nan, "kl": math.nan, "examples": 0}
    reconstruction, kl = reconstruction_terms(images, outputs)
    return {
        "loss": float((reconstruction + KL_WEIGHT * kl).mean()),
        "reconstruction": float(reconstruction.mean()),
        "kl": float(kl.mean()),
        "examples": len(images),
    }


def mean_logit(images: np.ndarray) -> float:
    """The logit of the images' mean pixel: where a decoder's output bias starts (model.adapt)."""
    mean = float(np.clip(np.mean(images, dtype=np.float64), 1e-3, 1 - 1e-3))
    return float(np.log(mean / (1.0 - mean)))


def write_score_files(run_dir: str | Path, result: dict, class_names: list[str]) -> None:
    """Nothing beyond metrics.jsonl: `python -m <package>.sample` draws images from the checkpoint."""


def describe_scores(result: dict) -> str:
    """One console line: `test loss ... (reconstruction ... + 2 x kl ...) per image (N examples)`."""
    return (
        f"{result['split']} loss {result['loss']:.4g} (reconstruction {result['reconstruction']:.4g} + "
        f"{KL_WEIGHT:g} x kl {result['kl']:.4g}) per image  ({result['examples']} examples)"
    )
{%- endraw %}
