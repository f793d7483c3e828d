{% raw %}
# ---------------------------------------------------------------- audio: a WAV folder, log-mel batches
TONES = {"high": 2000.0, "low": 300.0}  # Hz: each class is a tone


def write_sample(root):
    """Two classes of 4 tones (0.3 to 0.6 s) each, as PCM WAVs of every sample width (8, 16, 24, 32-bit),
    mono and stereo, at four sample rates."""
    import wave

    import numpy as np

    formats = [(1, 1, 8000), (2, 2, 16000), (3, 1, 22050), (4, 2, 11025)]  # (bytes a sample, channels, Hz)
    for name, hz in TONES.items():
        (root / name).mkdir(parents=True)
        for i, (width, channels, rate) in enumerate(formats):
            full = 2 ** (8 * width - 1)
            tone = 0.5 * np.sin(2 * np.pi * hz * np.arange(round(rate * (0.3 + 0.1 * i))) / rate)
            ints = np.repeat(np.round(tone * full).astype(np.int64) + (128 if width == 1 else 0), channels)
            with wave.open(str(root / name / f"{i}.wav"), "wb") as f:
                f.setnchannels(channels)
                f.setsampwidth(width)
                f.setframerate(rate)
                f.writeframes(b"".join(int(v).to_bytes(width, "little", signed=width > 1) for v in ints))
    return root


def check_tone_features(features, path, class_name, cfg):
    """features (frames, mels) served for a file: the front end's log-mel of the file's clip, and its loud
    frames loudest in the mel band of the class's tone."""
    import numpy as np
{% endraw %}
    from {{ cookiecutter.package }} import sources
{% raw %}
    fe = sources.FrontEnd.from_config(cfg)
    expected = sources.front_end(sources.load_waveform(path, cfg)[None], fe)[0, :, :, 0]
    np.testing.assert_allclose(features, expected, rtol=1e-5, atol=1e-5)
    bin_ = round(TONES[class_name] * fe.fft / fe.sample_rate)
    band = sources.mel_filterbank(fe.sample_rate, fe.fft, fe.num_mels)[bin_].argmax()
    loud = features.max(axis=1) > 0.0  # the tone's frames (silence is near log(LOG_OFFSET))
    assert loud.sum() >= fe.frames // 2, path
    assert (features[loud].argmax(axis=1) == band).all(), path


def time_shift(original, shifted) -> int | None:
    """The whole-frame shift s (edge frames repeated) that turns original (frames, mels) into shifted, or None."""
    import numpy as np

    frames = len(original)
    for s in range(-frames + 1, frames):
        index = np.clip(np.arange(frames) - s, 0, frames - 1)
        if np.array_equal(original[index], shifted):
            return s
    return None
{%- endraw %}
