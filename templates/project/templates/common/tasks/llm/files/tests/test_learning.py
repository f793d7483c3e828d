"""Training learns, and a run's records tell the truth: the default optimisation settings beat a model that
knows only how often each byte occurs, the reported scores match an independent computation, the split is
disjoint, seeded and reused, and a resumed run continues where it stopped."""
{% raw %}
import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest
{% endraw %}
from {{ cookiecutter.package }} import (
    evaluate,
    metrics,
    sources,
)
from {{ cookiecutter.package }}.model import as_model_input
from {{ cookiecutter.package }}.train import (
    checkpoint_path,
    load_checkpoint,
    train,
)

{% include "common/tests/learning_helpers.py" %}
{% raw %}
def _split(cfg) -> sources.Split:
    return sources.Split.from_dict(json.loads((Path(cfg.output_dir) / metrics.SPLIT_FILE).read_text()))


def byte_frequency_loss(train_labels: np.ndarray, labels: np.ndarray) -> float:
    """Cross-entropy on `labels` of the best model that ignores the context: the training split's byte
    frequencies (add-one smoothed). Shuffled targets can teach a model no more than this."""
    counts = np.bincount(train_labels.ravel(), minlength=sources.VOCAB_SIZE) + 1.0
    return float(-np.log(counts / counts.sum())[labels.ravel()].mean())


@pytest.mark.smoke
def test_default_training_learns_the_corpus(trained_run):
    """Learning rate 0 or an optimizer step that does nothing keep the perplexity near 256 (no knowledge);
    shuffled targets teach at most the byte frequencies; a pipeline serving one batch per epoch barely
    moves the loss. Each fails one of these bars."""
    cfg, _ = trained_run
    epochs, test = _lines(cfg)
    examples = sources.load_examples(cfg)
    split = _split(cfg)
    frequency_only = byte_frequency_loss(examples.labels[split.train], examples.labels[split.val])
    best = min(row["val_loss"] for row in epochs)
    assert best < frequency_only - 0.15, (
        f"best validation loss {best:.3f} is no better than byte frequencies alone ({frequency_only:.3f}): "
        "the model is not using the context"
    )
    assert min(row["val_perplexity"] for row in epochs) < 16, "validation perplexity stayed high (256: no knowledge)"
    assert test["perplexity"] < 16 and test["loss"] < frequency_only - 0.1, f"test {test}"
    assert epochs[-1]["train_loss"] < 0.6 * math.log(sources.VOCAB_SIZE), "training loss barely fell from log(256)"


@pytest.mark.smoke
def test_run_folder_holds_checkpoints_metrics_and_split(trained_run):
    cfg, _ = trained_run
    run = Path(cfg.output_dir)
    assert checkpoint_path(cfg, "best").is_file() and checkpoint_path(cfg, "last").is_file()
    epochs, test = _lines(cfg)
    assert [row["epoch"] for row in epochs] == list(range(1, cfg.epochs + 1))
    for row in epochs:
        assert {"train_loss", "val_loss", "val_perplexity", "val_accuracy", "lr"} <= set(row)
        assert {"epoch_seconds", "samples_per_second"} <= set(row)
        assert np.isfinite(row["train_loss"]) and row["samples_per_second"] > 0
        assert row["val_perplexity"] == pytest.approx(math.exp(row["val_loss"]), rel=1e-9)
    assert {"loss", "perplexity", "accuracy", "examples"} <= set(test)
    assert test["examples"] == len(_split(cfg).test)
    assert list(run.rglob("events.out.tfevents*")), "no TensorBoard log"


@pytest.mark.smoke
def test_reported_scores_match_an_independent_computation(trained_run, capsys):
    """metrics.jsonl's best-epoch validation loss and accuracy, its test line and `evaluate --json` all equal
    the best checkpoint's next-byte cross-entropy and accuracy computed here from the raw windows."""
    cfg, result = trained_run
    epochs, test = _lines(cfg)
    model, trained_cfg, _ = load_checkpoint(checkpoint_path(cfg, "best"))
    split = _split(cfg)
    examples = sources.load_examples(trained_cfg)

    def scores(indices) -> tuple[float, float]:
        """(token accuracy, mean next-byte cross-entropy) of the best checkpoint on these windows."""
        part = examples.take(indices)
        logits = np.asarray(evaluate.predict(model, as_model_input(part.inputs)), dtype=np.float64)
        assert logits.shape == (*part.labels.shape, sources.VOCAB_SIZE)
        log_probs = logits - logits.max(axis=-1, keepdims=True)
        log_probs -= np.log(np.exp(log_probs).sum(axis=-1, keepdims=True))
        loss = -np.take_along_axis(log_probs, part.labels[..., None], axis=-1).mean()
        return float(np.mean(logits.argmax(axis=-1) == part.labels)), float(loss)

    best_row = next(row for row in epochs if row["epoch"] == result.best_epoch)
    for (accuracy, loss), (reported_accuracy, reported_loss) in (
        (scores(split.val), (best_row["val_accuracy"], best_row["val_loss"])),
        (scores(split.test), (test["accuracy"], test["loss"])),
    ):
        assert reported_accuracy == pytest.approx(accuracy, abs=1e-9)
        assert reported_loss == pytest.approx(loss, rel=1e-4, abs=1e-6)  # e.g. scored on the wrong split

    assert evaluate.main(["--output-dir", cfg.output_dir, "--json"]) == 0
    reported = json.loads(capsys.readouterr().out)
    assert reported["split"] == "test" and reported["perplexity"] == test["perplexity"]
    assert {"loss", "perplexity", "accuracy", "examples", "split"} <= set(reported)


@pytest.mark.smoke
def test_split_is_disjoint_seeded_and_independent_of_the_training_seed(cpu_config):
    examples = sources.load_examples(cpu_config)
    split = sources.random_split(examples, 0.15, 0.15, seed=0)
    parts = [set(split.train.tolist()), set(split.val.tolist()), set(split.test.tolist())]
    assert sum(map(len, parts)) == len(examples) and set.union(*parts) == set(range(len(examples)))
    assert len(parts[2]) == round(0.15 * len(examples)) and len(parts[1]) == round(0.15 * len(examples))
    assert sources.random_split(examples, 0.15, 0.15, seed=1).to_dict() != split.to_dict()
    # The training seed changes weights and shuffling; the windows and the split stay.
    other_seed = dataclasses.replace(cpu_config, seed=cpu_config.seed + 1)
    assert sources.random_split(sources.load_examples(other_seed), 0.15, 0.15, seed=0).to_dict() == split.to_dict()
{%- endraw %}

{% include "common/tests/learning_run_control.py" -%}
