"""The agent learns, and a run's records tell the truth: the default PPO settings lift CartPole's return far
above a random policy's (and a learning rate of 0 does not), the reported returns match greedy episodes
replayed here from the recorded seeds, training, validation and test episodes never share a seed, early
stopping keeps the best iteration, and a resumed run continues exactly where it stopped."""
{% raw %}
import dataclasses
import json
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
{% endraw %}
from {{ cookiecutter.package }} import (
    environment,
    evaluate,
    metrics,
)
from {{ cookiecutter.package }}.model import exported
from {{ cookiecutter.package }}.train import (
    checkpoint_path,
    load_checkpoint,
    train,
)
{% raw %}
# A uniform random policy keeps CartPole up for about 20 steps; a learning agent several times longer.
LEARNED = 4.0  # times the random policy's mean return


{%- endraw %}

{% include "common/tests/learning_helpers.py" %}
{% raw %}
def _random_return(cfg) -> float:
    return float(environment.random_experience(cfg).episode_returns.mean())


def _learned(cfg) -> tuple[bool, str]:
    """Whether the run's last two rollouts and its test episodes beat a random policy by LEARNED times."""
    iterations, test = _lines(cfg)
    baseline = _random_return(cfg)
    late = float(np.mean([row["mean_return"] for row in iterations[-2:]]))
    report = f"random policy {baseline:.1f}, last rollouts {late:.1f}, greedy test episodes {test['mean_return']:.1f}"
    return late >= LEARNED * baseline and test["mean_return"] >= LEARNED * baseline, report


@pytest.mark.smoke
def test_default_training_learns_to_balance_the_pole(trained_run):
    """The default env_id (CartPole-v1): a few short iterations must multiply the return. Learning rate 0, an
    optimizer step that does nothing, shuffled advantages or a loss with the wrong sign keep it near random."""
    cfg, _ = trained_run
    learned, report = _learned(cfg)
    assert learned, f"training is not learning: {report}"
    iterations, _ = _lines(cfg)
    assert iterations[-1]["mean_return"] > 2 * iterations[0]["mean_return"], "the rollouts' return barely rose"


@pytest.mark.smoke
def test_learning_rate_zero_does_not_learn(trained_run, tmp_path):
    """The bar above is not met by a policy that never changes: the learning test can fail."""
    cfg = dataclasses.replace(trained_run[0], learning_rate=0.0, output_dir=str(tmp_path / "frozen"))
    result = train(cfg)
    learned, report = _learned(cfg)
    assert not learned, f"a frozen policy passed the learning bar: {report}"
    assert all(np.isfinite(row["train_loss"]) for row in result.history)


@pytest.mark.smoke
def test_run_folder_holds_checkpoints_metrics_and_test_episodes(trained_run):
    cfg, _ = trained_run
    run = Path(cfg.output_dir)
    assert checkpoint_path(cfg, "best").is_file() and checkpoint_path(cfg, "last").is_file()
    iterations, test = _lines(cfg)
    assert [row["epoch"] for row in iterations] == list(range(1, cfg.epochs + 1))
    for row in iterations:
        assert {"train_loss", "mean_return", "episodes", "steps", "val_mean_return", "lr"} <= set(row)
        assert {"epoch_seconds", "samples_per_second"} <= set(row)
        assert np.isfinite(row["train_loss"]) and row["samples_per_second"] > 0
        assert row["steps"] >= cfg.rollout_steps and row["episodes"] >= 1
    assert set(metrics.REPORTED) <= set(test) and test["episodes"] == cfg.test_episodes
    assert list(run.rglob("events.out.tfevents*")), "no TensorBoard log"
    header, *rows = (run / metrics.EPISODES_CSV).read_text(encoding="utf-8").splitlines()
    assert header == "seed,return" and [int(r.split(",")[0]) for r in rows] == test["seeds"]


def _replay(model, env_id: str, seeds: list[int]) -> float:
    """Mean return of greedy episodes, one per seed, played here with gymnasium and the exported policy (all
    episodes in step, as batches of the unfinished ones, so the network sees the batches training saw)."""
    policy = exported(model)
    envs = [gym.make(env_id) for _ in seeds]
    observations = [env.reset(seed=seed)[0] for env, seed in zip(envs, seeds, strict=True)]
    totals, running = [0.0] * len(seeds), list(range(len(seeds)))
    while running:
        batch = np.stack([np.asarray(observations[i], dtype=np.float32) for i in running])
        actions = np.asarray(evaluate.predict(policy, batch)).argmax(axis=1)
        for i, action in zip(list(running), actions, strict=True):
            observations[i], reward, terminated, truncated, _ = envs[i].step(int(action))
            totals[i] += float(reward)
            if terminated or truncated:
                running.remove(i)
    return float(np.mean(totals))


@pytest.mark.smoke
def test_reported_returns_match_an_independent_computation(trained_run, capsys):
    """metrics.jsonl's best-iteration val_mean_return, its test line and `evaluate --json` all equal greedy
    episodes of the best checkpoint replayed here from the seeds (the test line records its own)."""
    cfg, result = trained_run
    iterations, test = _lines(cfg)
    model, trained_cfg, _ = load_checkpoint(checkpoint_path(cfg, "best"))
    best_row = next(row for row in iterations if row["epoch"] == result.best_epoch)
    val_seeds = environment.episode_seeds(trained_cfg.seed, "val", 0, trained_cfg.eval_episodes)
    assert best_row["val_mean_return"] == pytest.approx(_replay(model, cfg.env_id, val_seeds), abs=1e-9)
    assert len(test["seeds"]) == cfg.test_episodes
    assert test["mean_return"] == pytest.approx(_replay(model, cfg.env_id, test["seeds"]), abs=1e-9)

    assert evaluate.main(["--output-dir", cfg.output_dir, "--json"]) == 0
    reported = json.loads(capsys.readouterr().out)
    assert reported["split"] == "test" and reported["mean_return"] == test["mean_return"]
    assert reported["seeds"] == test["seeds"] and reported["episodes"] == cfg.test_episodes


@pytest.mark.smoke
def test_training_validation_and_test_episodes_never_share_a_seed(cpu_config):
    """Validation picks the best iteration and the test episodes score it: neither may replay an episode
    training saw, nor each other's, whatever the run's seed."""
    parts = {part: set(environment.episode_seeds(cpu_config.seed, part, 0, 1000)) for part in environment.PARTS}
    assert not parts["train"] & parts["val"] and not parts["train"] & parts["test"] and not parts["val"] & parts["test"]
    other_run = set(environment.episode_seeds(cpu_config.seed + 1, "train", 0, 1000))
    assert not other_run & set().union(*parts.values()), "another seed replays this run's episodes"


@pytest.mark.smoke
def test_early_stopping_stops_after_patience_iterations_and_keeps_the_best(cpu_config, monkeypatch):
    improve = metrics.Tracker.update

    def only_iteration_one_improves(tracker, epoch, row):
        if epoch == 1:
            return improve(tracker, epoch, row)
        tracker.stale_epochs += 1
        return False

    monkeypatch.setattr(metrics.Tracker, "update", only_iteration_one_improves)
    cfg = dataclasses.replace(cpu_config, epochs=6, early_stopping_patience=2)
    result = train(cfg)
    assert [row["epoch"] for row in result.history] == [1, 2, 3] and result.best_epoch == 1
    assert _lines(cfg)[1]["epoch"] == 1  # the test line scores the best checkpoint


@pytest.mark.smoke
def test_resume_continues_where_it_stopped(cpu_config, tmp_path):
    """One iteration, then --resume to two, ends where two iterations in one go end: the same weights,
    optimizer steps and episodes (the rollouts, their seeds and the minibatch orders continue)."""
    cfg = dataclasses.replace(cpu_config, epochs=2, output_dir=str(tmp_path / "whole"))
    whole = train(cfg)
    interrupted = dataclasses.replace(cfg, epochs=1, output_dir=str(tmp_path / "resumed"))
    train(interrupted)
    resumed = train(dataclasses.replace(interrupted, epochs=2), resume="last")

    iterations, _ = _lines(interrupted)
    assert [row["epoch"] for row in iterations] == [1, 2]
    for a, b in zip(whole.history, resumed.history, strict=True):
        same = ("mean_return", "steps", "val_mean_return")
        assert [a[k] for k in same] == [b[k] for k in same], "the resumed rollouts differ"
    for a, b in zip(_weights(whole.model), _weights(resumed.model), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
{%- endraw %}
