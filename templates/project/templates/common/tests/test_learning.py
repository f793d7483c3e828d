"""Training learns, and a run's records tell the truth: the default optimisation settings clear an accuracy
bar on the synthetic task, the reported scores match an independent computation, the split is stratified,
disjoint and reused, and a resumed run continues where it stopped."""
{% raw %}
import dataclasses
import json
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
{% raw %}
# Chance is 1 / num_classes (0.25 on the synthetic data); a working setup reaches about 1.0.
LEARNED = 0.9


{%- endraw %}

{% include "common/tests/learning_helpers.py" %}
{% raw %}
@pytest.mark.smoke
def test_default_training_learns_the_synthetic_task(trained_run):
    """Learning rate 0, an optimizer step that does nothing, shuffled labels or a data pipeline that
    serves one batch per epoch all keep accuracy near chance."""
    cfg, _ = trained_run
    epochs, test = _lines(cfg)
    best = max(row["val_accuracy"] for row in epochs)
    assert best >= LEARNED, f"best validation accuracy {best:.3f} < {LEARNED}: training is not learning"
    assert test["accuracy"] >= LEARNED - 0.05, f"test accuracy {test['accuracy']:.3f}"
    assert epochs[-1]["train_loss"] < 0.7 * epochs[0]["train_loss"], "training loss barely fell"


@pytest.mark.smoke
def test_run_folder_holds_checkpoints_metrics_split_and_confusion_matrix(trained_run):
    cfg, _ = trained_run
    run = Path(cfg.output_dir)
    assert checkpoint_path(cfg, "best").is_file() and checkpoint_path(cfg, "last").is_file()
    epochs, test = _lines(cfg)
    assert [row["epoch"] for row in epochs] == list(range(1, cfg.epochs + 1))
    for row in epochs:
        assert {"train_loss", "val_loss", "val_accuracy", "val_macro_f1", "lr"} <= set(row)
        assert {"epoch_seconds", "samples_per_second"} <= set(row)
        assert np.isfinite(row["train_loss"]) and row["samples_per_second"] > 0
    assert {"accuracy", "loss", "macro_f1", "examples"} <= set(test)
    assert list(run.rglob("events.out.tfevents*")), "no TensorBoard log"
    _, *rows = (run / metrics.CONFUSION_CSV).read_text(encoding="utf-8").splitlines()
    assert len(rows) == cfg.num_classes and sum(int(n) for r in rows for n in r.split(",")[1:]) == test["examples"]
    assert (run / metrics.CONFUSION_PNG).read_bytes()[:4] == b"\x89PNG"


@pytest.mark.smoke
def test_reported_scores_match_an_independent_computation(trained_run, capsys):
    """metrics.jsonl's best-epoch validation accuracy, its test line and `evaluate --json` all equal the
    best checkpoint's argmax accuracy computed here from the raw examples."""
    cfg, result = trained_run
    epochs, test = _lines(cfg)
    model, trained_cfg, _ = load_checkpoint(checkpoint_path(cfg, "best"))
    split = sources.Split.from_dict(json.loads((Path(cfg.output_dir) / metrics.SPLIT_FILE).read_text()))
    examples = sources.load_examples(trained_cfg)

    def scores(indices) -> tuple[float, float]:
        """(accuracy, mean cross-entropy) of the best checkpoint on these examples."""
        part = examples.take(indices)
        logits = np.asarray(evaluate.predict(model, as_model_input(part.inputs)), dtype=np.float64)
        log_probs = logits - logits.max(axis=1, keepdims=True)
        log_probs -= np.log(np.exp(log_probs).sum(axis=1, keepdims=True))
        loss = -log_probs[np.arange(len(part.labels)), part.labels].mean()
        return float(np.mean(logits.argmax(axis=1) == part.labels)), float(loss)

    best_row = next(row for row in epochs if row["epoch"] == result.best_epoch)
    for (accuracy, loss), (reported_accuracy, reported_loss) in (
        (scores(split.val), (best_row["val_accuracy"], best_row["val_loss"])),
        (scores(split.test), (test["accuracy"], test["loss"])),
    ):
        assert reported_accuracy == pytest.approx(accuracy, abs=1e-9)
        assert reported_loss == pytest.approx(loss, rel=1e-4, abs=1e-6)  # e.g. scored on the wrong split

    assert evaluate.main(["--output-dir", cfg.output_dir, "--json"]) == 0
    reported = json.loads(capsys.readouterr().out)
    assert reported["split"] == "test" and reported["accuracy"] == test["accuracy"]
    assert {"accuracy", "loss", "macro_f1", "split"} <= set(reported)


@pytest.mark.smoke
def test_split_is_stratified_disjoint_and_independent_of_the_training_seed(cpu_config):
    examples = sources.load_examples(dataclasses.replace(cpu_config, num_samples=200))
    split = sources.stratified_split(examples, 0.15, 0.15, seed=0)
    parts = [set(split.train.tolist()), set(split.val.tolist()), set(split.test.tolist())]
    assert sum(map(len, parts)) == len(examples) and set.union(*parts) == set(range(len(examples)))
    for label in range(len(examples.class_names)):
        members = int(np.sum(examples.labels == label))
        assert abs(int(np.sum(examples.labels[split.test] == label)) - 0.15 * members) <= 1
    other_seed = dataclasses.replace(cpu_config, num_samples=200, seed=cpu_config.seed + 1)
    # The training seed changes weights and shuffling; the data (synthetic: split_seed's) and the split stay.
    assert sources.stratified_split(sources.load_examples(other_seed), 0.15, 0.15, seed=0).to_dict() == split.to_dict()
{%- endraw %}

{% include "common/tests/learning_run_control.py" -%}
