"""Training learns, and a run's records tell the truth: the default optimisation settings reconstruct held-out
images far better than the untrained model and better than the best image-independent guess (so the codes carry
the image), the reported scores match an independent computation, training draws codes while evaluation takes
their mean, images drawn from the trained decoder are closer to the data than an untrained decoder's, the split
is stratified, disjoint and reused, and a resumed run continues where it stopped."""
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
from {{ cookiecutter.package }}.model import (
    adapt,
    as_model_input,
    build_model,
)
from {{ cookiecutter.package }}.sample import draw
from {{ cookiecutter.package }}.train import (
    checkpoint_path,
    load_checkpoint,
    train,
)
{% raw %}
LEARNED_EPOCHS = 12  # the shared 4-epoch run has only learnt the average image; codes take a few more epochs


@pytest.fixture(scope="module")
def learned_run(trained_run, tmp_path_factory):
    """The shared run's configuration, trained for LEARNED_EPOCHS."""
    cfg = dataclasses.replace(
        trained_run[0], epochs=LEARNED_EPOCHS, output_dir=str(tmp_path_factory.mktemp("learned") / "run")
    )
    return cfg, train(cfg)


{%- endraw %}

{% include "common/tests/learning_helpers.py" %}
{% raw %}
def _forward(model, images, training: bool) -> np.ndarray:
    """The model's outputs in training mode (codes drawn) or inference mode (codes = their mean)."""
    if hasattr(model, "state_dict"):  # PyTorch
        import torch

        model.train(training)
        with torch.no_grad():
            return model(images).numpy()
    return np.asarray(model(images, training=training))


def _parts(cfg):
    """(every example, the split recorded in the run folder)."""
    split = sources.Split.from_dict(json.loads((Path(cfg.output_dir) / metrics.SPLIT_FILE).read_text()))
    return sources.load_examples(cfg), split


def _negative_entropy(pixels: np.ndarray) -> np.ndarray:
    """x log x + (1 - x) log(1 - x) per pixel, 0 at 0 and 1: what a perfect reconstruction's cross-entropy is."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.nan_to_num(pixels * np.log(pixels)) + np.nan_to_num((1 - pixels) * np.log(1 - pixels))


def _independent_scores(model, images: np.ndarray) -> dict:
    """loss, reconstruction and kl per image, written out here from the outputs' layout (pixel logits, mean,
    log-variance): log-sigmoids, the pixels' entropy and the Gaussian KL, not metrics.py's code."""
    x = np.asarray(as_model_input(images), dtype=np.float64)
    outputs = np.asarray(evaluate.predict(model, as_model_input(images)), dtype=np.float64)
    flat = x.reshape(len(x), -1)
    pixels = flat.shape[1]
    codes = (outputs.shape[1] - pixels) // 2
    logits, mean, log_var = outputs[:, :pixels], outputs[:, pixels : pixels + codes], outputs[:, pixels + codes :]
    log_p, log_not_p = -np.logaddexp(0.0, -logits), -np.logaddexp(0.0, logits)
    reconstruction = (_negative_entropy(flat) - flat * log_p - (1 - flat) * log_not_p).sum(axis=1)
    kl = -0.5 * (1 + log_var - mean**2 - np.exp(log_var)).sum(axis=1)
    return {
        "loss": float(np.mean(reconstruction + metrics.KL_WEIGHT * kl)),
        "reconstruction": float(reconstruction.mean()),
        "kl": float(kl.mean()),
    }


def _nearest_distance(samples: np.ndarray, images: np.ndarray) -> float:
    """Mean over samples of the mean squared pixel difference to the closest image."""
    a, b = samples.reshape(len(samples), -1).astype(np.float64), images.reshape(len(images), -1).astype(np.float64)
    distances = (a**2).sum(1)[:, None] - 2 * a @ b.T + (b**2).sum(1)[None, :]
    return float(distances.min(axis=1).mean() / a.shape[1])


@pytest.mark.smoke
def test_default_training_learns_to_reconstruct_through_the_codes(learned_run):
    """Learning rate 0 or an optimizer step that does nothing keep the loss near the untrained model's; shuffled
    targets (reconstructing another image) or codes that carry nothing cannot beat the average training image."""
    cfg, result = learned_run
    epochs, test = _lines(cfg)
    examples, split = _parts(cfg)
    train_images, val_images = examples.take(split.train).inputs, examples.take(split.val).inputs
    untrained = build_model(cfg)
    adapt(untrained, train_images)  # where training starts
    before = _independent_scores(untrained, val_images)
    best = min(row["val_loss"] for row in epochs)
    assert best < 0.5 * before["loss"], f"validation loss {best:.1f} vs {before['loss']:.1f} untrained: not learning"

    # The best guess that ignores the image: the average training image, scored as a reconstruction.
    average = np.clip(train_images.mean(axis=0), 1e-6, 1 - 1e-6).reshape(1, -1).astype(np.float64)
    flat = val_images.reshape(len(val_images), -1).astype(np.float64)
    guess = float((_negative_entropy(flat) - flat * np.log(average) - (1 - flat) * np.log(1 - average)).sum(1).mean())
    reconstruction = min(row["val_reconstruction"] for row in epochs)
    assert reconstruction < 0.75 * guess, (
        f"validation reconstruction {reconstruction:.1f} is no better than the average image's {guess:.1f}: "
        "the codes carry nothing about the image"
    )
    assert test["reconstruction"] < 0.75 * guess and test["kl"] > 0.5
    assert epochs[-1]["train_loss"] < 0.5 * epochs[0]["train_loss"], "training loss barely fell"
    assert result.best_epoch > 1


@pytest.mark.smoke
def test_samples_of_the_trained_decoder_are_closer_to_the_data_than_untrained_ones(learned_run):
    """Mean squared pixel distance from each of 64 drawn images to its nearest data image: an untrained decoder
    draws the average pixel everywhere, one whose codes carry nothing the same blurred blob for every code."""
    cfg, _ = learned_run
    model, trained_cfg, _ = load_checkpoint(checkpoint_path(cfg, "best"))
    images = sources.load_examples(trained_cfg).inputs
    untrained = build_model(trained_cfg)
    adapt(untrained, images)  # where training starts
    samples = draw(model, trained_cfg, 64, seed=1)
    assert samples.shape == (64, cfg.image_size, cfg.image_size, cfg.channels)
    assert 0.0 <= samples.min() and samples.max() <= 1.0
    trained, before = _nearest_distance(samples, images), _nearest_distance(draw(untrained, trained_cfg, 64), images)
    assert trained < 0.6 * before, f"samples are {trained:.4f} from the data, an untrained decoder's {before:.4f}"


@pytest.mark.smoke
def test_run_folder_holds_checkpoints_metrics_and_split(trained_run):
    cfg, _ = trained_run
    run = Path(cfg.output_dir)
    assert checkpoint_path(cfg, "best").is_file() and checkpoint_path(cfg, "last").is_file()
    epochs, test = _lines(cfg)
    assert [row["epoch"] for row in epochs] == list(range(1, cfg.epochs + 1))
    for row in epochs:
        assert {"train_loss", "val_loss", "val_reconstruction", "val_kl", "lr"} <= set(row)
        assert {"epoch_seconds", "samples_per_second"} <= set(row)
        assert np.isfinite(row["train_loss"]) and row["samples_per_second"] > 0
        assert row["val_loss"] == pytest.approx(row["val_reconstruction"] + metrics.KL_WEIGHT * row["val_kl"])
    assert {"loss", "reconstruction", "kl", "examples"} <= set(test)
    assert list(run.rglob("events.out.tfevents*")), "no TensorBoard log"
    assert json.loads((run / metrics.SPLIT_FILE).read_text(encoding="utf-8"))["test"]


@pytest.mark.smoke
def test_reported_scores_match_an_independent_computation(trained_run, capsys):
    """metrics.jsonl's best-epoch validation scores, its test line and `evaluate --json` all equal the best
    checkpoint's scores computed here from the raw examples."""
    cfg, result = trained_run
    epochs, test = _lines(cfg)
    model, trained_cfg, _ = load_checkpoint(checkpoint_path(cfg, "best"))
    examples, split = _parts(trained_cfg)
    best_row = next(row for row in epochs if row["epoch"] == result.best_epoch)
    for indices, reported in (
        (split.val, {name: best_row[f"val_{name}"] for name in ("loss", "reconstruction", "kl")}),
        (split.test, test),
    ):
        computed = _independent_scores(model, examples.take(indices).inputs)
        for name, value in computed.items():  # e.g. scored on the wrong split, or with training-mode codes
            assert reported[name] == pytest.approx(value, rel=1e-4, abs=1e-4), name
    assert test["examples"] == len(split.test)

    assert evaluate.main(["--output-dir", cfg.output_dir, "--json"]) == 0
    reported = json.loads(capsys.readouterr().out)
    assert reported["split"] == "test" and reported["loss"] == test["loss"]
    assert {"loss", "reconstruction", "kl", "examples", "split"} <= set(reported)


@pytest.mark.smoke
def test_training_draws_codes_and_evaluation_takes_their_mean(cpu_config):
    model = build_model(cpu_config)
    images = as_model_input(sources.synthetic_arrays(cpu_config)[0][:4])
    pixels = int(np.prod(np.asarray(images).shape[1:]))
    first, second = _forward(model, images, training=True), _forward(model, images, training=True)
    assert not np.allclose(first[:, :pixels], second[:, :pixels]), "training mode does not sample the codes"
    np.testing.assert_allclose(first[:, pixels:], second[:, pixels:], rtol=1e-5, atol=1e-6)  # mean, log-variance
    np.testing.assert_array_equal(_forward(model, images, training=False), _forward(model, images, training=False))


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
