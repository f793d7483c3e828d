{% include "common/tasks/audio/test_data_shared.py" %}
{% raw %}

def check_batch(inputs, cfg):
    import math
{% endraw %}
    from {{ cookiecutter.package }} import sources
{% raw %}
    fe = sources.FrontEnd.from_config(cfg)
    assert inputs.dtype == torch.float32 and inputs.shape[1:] == (1, fe.frames, fe.num_mels)  # channels first
    assert torch.isfinite(inputs).all() and inputs.min() >= math.log(sources.LOG_OFFSET) - 1e-3


@pytest.mark.smoke
def test_wav_files_of_every_format_are_served_as_their_log_mel(cpu_config, tmp_path):
    """8/16/24/32-bit, mono and stereo, four sample rates: each file's row of a batch is the front end's
    log-mel of its clip, its tone in the right mel band."""
{%- endraw %}
    from {{ cookiecutter.package }} import sources
    from {{ cookiecutter.package }}.data import Batches
{% raw %}
    cfg = dataclasses.replace(cpu_config, data_dir=str(write_sample(tmp_path / "data")), batch_size=3)
    examples = sources.load_examples(cfg)
    cfg = sources.fit_config(cfg, examples)
    inputs = torch.cat([x for x, _ in Batches(examples, cfg, shuffle=False)])
    check_batch(inputs, cfg)
    for features, path, label in zip(inputs, examples.inputs, examples.labels, strict=True):
        check_tone_features(features[0].numpy(), path, examples.class_names[label], cfg)


@pytest.mark.smoke
def test_augment_shifts_each_training_clip_in_time_by_whole_frames(cpu_config):
{%- endraw %}
    from {{ cookiecutter.package }}.model import augment
{% raw %}
    cfg = dataclasses.replace(cpu_config, augment=True)
    loaders = make_loaders(dataclasses.replace(cfg, augment=False))
    original = next(iter(loaders.val))[0]
    shifted = augment(original, cfg, torch.Generator().manual_seed(0))
    shifts = [time_shift(a[0].numpy(), b[0].numpy()) for a, b in zip(original, shifted, strict=True)]
    limit = max(1, original.shape[2] // 8)
    assert all(s is not None and abs(s) <= limit for s in shifts), shifts
    assert len(set(shifts)) > 1, "every clip shifted alike"
    assert augment(original, cpu_config, torch.Generator()) is original  # augment off: untouched
{%- endraw %}
