{% raw %}
# ---------------------------------------------------------------- early stopping and resume (every epoch-based task)
@pytest.mark.smoke
def test_early_stopping_stops_after_patience_epochs_and_keeps_the_best(cpu_config, monkeypatch):
    improve = metrics.Tracker.update

    def only_epoch_one_improves(tracker, epoch, row):
        if epoch == 1:
            return improve(tracker, epoch, row)
        tracker.stale_epochs += 1
        return False

    monkeypatch.setattr(metrics.Tracker, "update", only_epoch_one_improves)
    cfg = dataclasses.replace(cpu_config, epochs=6, early_stopping_patience=2)
    result = train(cfg)
    assert [row["epoch"] for row in result.history] == [1, 2, 3] and result.best_epoch == 1
    assert _lines(cfg)[1]["epoch"] == 1  # the test line scores the best checkpoint


@pytest.mark.smoke
def test_resume_continues_where_it_stopped(cpu_config, tmp_path):
    """One epoch, then --resume to two, ends where two epochs in one go end."""
    cfg = dataclasses.replace(cpu_config, lr_schedule="constant", epochs=2, output_dir=str(tmp_path / "whole"))
    whole = train(cfg)
    interrupted = dataclasses.replace(cfg, epochs=1, output_dir=str(tmp_path / "resumed"))
    train(interrupted)
    resumed = train(dataclasses.replace(interrupted, epochs=2), resume="last")

    epochs, _ = _lines(interrupted)
    assert [row["epoch"] for row in epochs] == [1, 2]
    for a, b in zip(_weights(whole.model), _weights(resumed.model), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
{%- endraw %}
