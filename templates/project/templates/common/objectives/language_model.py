{% raw %}
# ---------------------------------------------------------------- objective: language model
VALIDATION = ("loss", "perplexity", "accuracy")  # logged every epoch as val_<name>
REPORTED = ("loss", "perplexity", "accuracy", "examples")  # evaluate --json and the test line of metrics.jsonl
TOP1_AGREEMENT = True  # outputs are next-token logits: int8 exports must also agree on the most likely token


def scores(targets: np.ndarray, logits: np.ndarray) -> dict:
    """loss (mean next-token cross-entropy, in nats), perplexity (exp of the loss: the number of equally likely
    tokens the model is choosing between; 256 for a model that knows nothing about bytes), token accuracy
    (the most likely token is the next one) and examples (windows) of a split.

    targets int (N, T), logits (N, T, vocabulary).
    """
    targets = np.asarray(targets, dtype=np.int64)
    if len(targets) == 0:
        return {"loss": math.nan, "perplexity": math.nan, "accuracy": math.nan, "examples": 0}
    logits = np.asarray(logits, dtype=np.float64)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=-1))
    picked = np.take_along_axis(shifted, targets[..., None], axis=-1)[..., 0]
    loss = float(np.mean(log_norm - picked))
    return {
        "loss": loss,
        "perplexity": math.inf if loss > 700 else math.exp(loss),  # a diverged model: no OverflowError
        "accuracy": float(np.mean(logits.argmax(axis=-1) == targets)),
        "examples": len(targets),
    }


def write_score_files(run_dir: str | Path, result: dict, class_names: list[str]) -> None:
    """Nothing beyond metrics.jsonl: `generate` shows what the model writes."""


def describe_scores(result: dict) -> str:
    """One console line: `test loss ... perplexity ... accuracy ... (N windows)`."""
    return (
        f"{result['split']} loss {result['loss']:.4f}  perplexity {result['perplexity']:.2f}  "
        f"accuracy {result['accuracy']:.4f}  ({result['examples']} windows)"
    )
{%- endraw %}
