{% raw %}

def _write_wav(path, samples, rate: int, width: int = 2, channels: int = 1):
    """samples in [-1, 1] as a PCM WAV (stdlib wave), the same signal in every channel."""
    import wave

    full = 2 ** (8 * width - 1)
    ints = np.clip(np.round(np.asarray(samples) * full), -full, full - 1).astype(np.int64)
    if width == 1:
        ints += 128  # 8-bit WAV samples are unsigned
    ints = np.repeat(ints, channels)
    data = b"".join(int(v).to_bytes(width, "little", signed=width > 1) for v in ints)
    with wave.open(str(path), "wb") as f:
        f.setnchannels(channels)
        f.setsampwidth(width)
        f.setframerate(rate)
        f.writeframes(data)
    return path


def _write_header(path, format_tag: int, bits: int, data: bytes = b"\0" * 64):
    """A WAV whose header says what wave cannot write (float samples, 64-bit integers)."""
    import struct

    block = bits // 8
    fmt = struct.pack("<HHIIHH", format_tag, 1, 16000, 16000 * block, block, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def _tone(hz: float, rate: int, seconds: float, amplitude: float = 0.5) -> np.ndarray:
    return amplitude * np.sin(2 * np.pi * hz * np.arange(round(rate * seconds)) / rate)


def _front_end(**sizes):
    """(a config, its front end): 8 kHz, half-second clips, 20 mels."""
    from types import SimpleNamespace

    defaults = {"sample_rate": 8000, "clip_seconds": 0.5, "window_ms": 30.0, "hop_ms": 20.0, "num_mels": 20}
    cfg = SimpleNamespace(**{**defaults, **sizes})
    return cfg, sources.FrontEnd.from_config(cfg)


@pytest.mark.smoke
def test_front_end_equals_an_independent_computation_of_the_log_mel():
    """sources.front_end (FFT, matrix product) equals the recipe written out: each frame's DFT summed
    term by term, each mel triangle from its edges, the log of the sums."""
    _, fe = _front_end()
    waveform = np.random.default_rng(0).uniform(-0.5, 0.5, fe.samples)
    mel_range = 2595.0 * np.log10(1.0 + np.array([sources.LOW_HZ, fe.sample_rate / 2]) / 700.0)
    edges = [700.0 * (10.0 ** (m / 2595.0) - 1.0) for m in np.linspace(*mel_range, fe.num_mels + 2)]
    n = np.arange(fe.window)
    hann = 0.5 - 0.5 * np.cos(2 * np.pi * n / fe.window)
    expected = np.zeros((fe.frames, fe.num_mels))
    for frame in range(fe.frames):
        chunk = waveform[frame * fe.hop : frame * fe.hop + fe.window] * hann
        for k in range(fe.fft // 2 + 1):
            angle = 2 * np.pi * k * n / fe.fft
            power = np.sum(chunk * np.cos(angle)) ** 2 + np.sum(chunk * np.sin(angle)) ** 2
            hz = k * fe.sample_rate / fe.fft
            for band in range(fe.num_mels):
                low, centre, high = edges[band : band + 3]
                weight = (hz - low) / (centre - low) if hz <= centre else (high - hz) / (high - centre)
                expected[frame, band] += max(weight, 0.0) * power
    actual = sources.front_end(waveform[None], fe)[0, :, :, 0]
    assert actual.shape == (fe.frames, fe.num_mels) and actual.dtype == np.float32
    np.testing.assert_allclose(actual, np.log(expected + sources.LOG_OFFSET), rtol=1e-4, atol=1e-4)


@pytest.mark.smoke
def test_a_tone_is_loudest_in_the_mel_band_of_its_pitch():
    _, fe = _front_end()
    bank = sources.mel_filterbank(fe.sample_rate, fe.fft, fe.num_mels)
    for hz in (300.0, 1000.0, 3000.0):
        features = sources.front_end(_tone(hz, fe.sample_rate, 0.5)[None], fe)[0, :, :, 0]
        assert (features.argmax(axis=1) == bank[round(hz * fe.fft / fe.sample_rate)].argmax()).all(), hz


@pytest.mark.smoke
@pytest.mark.parametrize(("width", "channels", "rate"), [(1, 1, 8000), (2, 2, 8000), (3, 1, 22050), (4, 2, 16000)])
def test_pcm_wavs_of_every_width_read_as_the_same_clip(tmp_path, width, channels, rate):
    """8/16/24/32-bit, mono or stereo, at any rate: the clip the front end takes (resampled, centred)."""
    cfg, fe = _front_end()
    path = _write_wav(tmp_path / "a.wav", _tone(440.0, rate, 0.3), rate, width, channels)
    samples, read_rate = sources.read_wav(path)
    assert read_rate == rate and len(samples) == round(rate * 0.3)
    np.testing.assert_allclose(samples, _tone(440.0, rate, 0.3), atol=2 / 2 ** (8 * width - 1))
    clip = sources.load_waveform(path, cfg)
    expected = np.pad(_tone(440.0, fe.sample_rate, 0.3), (fe.samples - round(0.3 * fe.sample_rate)) // 2)
    assert clip.shape == (fe.samples,) and clip.dtype == np.float32
    np.testing.assert_allclose(clip, expected, atol=0.02 if width > 1 else 0.03)


@pytest.mark.smoke
def test_a_long_clip_keeps_its_middle(tmp_path):
    cfg, fe = _front_end()
    samples = np.linspace(-0.9, 0.9, 3 * fe.samples)
    clip = sources.load_waveform(_write_wav(tmp_path / "long.wav", samples, fe.sample_rate), cfg)
    np.testing.assert_allclose(clip, samples[fe.samples : 2 * fe.samples], atol=1e-4)


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("write", "message"),
    [
        (lambda path: path.write_bytes(b"not a wav file, just text"), "not a WAV file"),
        (lambda path: path.write_bytes(b""), "not a WAV file"),
        (lambda path: _write_header(path, format_tag=3, bits=32), "float samples"),
        (lambda path: _write_header(path, format_tag=1, bits=64), "64-bit samples"),
        (lambda path: _write_wav(path, [], 16000), "holds no samples"),
    ],
    ids=["not_a_wav", "empty_file", "float_samples", "wrong_sample_width", "no_samples"],
)
def test_bad_wavs_are_refused_naming_the_file_and_what_is_allowed(tmp_path, write, message):
    for name in ("yes", "no"):
        (tmp_path / name).mkdir()
        _write_wav(tmp_path / name / "ok.wav", _tone(440.0, 8000, 0.2), 8000)
    bad = tmp_path / "no" / "bad.wav"
    write(bad)
    import re

    named = re.escape(f"{bad}: {message}")
    with pytest.raises(ValueError, match=f"^{named}.*; allowed: PCM WAV"):
        sources.read_wav(bad)
    with pytest.raises(ValueError, match=f"^1 file.* cannot be read \\(first: {named}.*; allowed: PCM WAV"):
        sources.read_data(tmp_path, None)


@pytest.mark.smoke
def test_synthetic_sounds_are_what_their_class_names_say():
    """Over the loud frames, a tone keeps its band, a rising chirp climbs, a falling one descends; a ninth
    class (only 8 kinds of sound) is refused."""
    cfg, fe = _front_end(num_classes=3, num_samples=30, split_seed=0)
    x, y = sources.synthetic_arrays(cfg)
    assert x.shape == (30, fe.frames, fe.num_mels, 1) and x.dtype == np.float32 and np.isfinite(x).all()
    assert set(y.tolist()) == {0, 1, 2} and sources.SYNTHETIC_SOUNDS[:3] == ("tone", "rising_chirp", "falling_chirp")
    for features, label in zip(x[..., 0], y, strict=True):
        loudness = features.max(axis=1)
        loud = np.flatnonzero(loudness > loudness.min() + 0.6 * (loudness.max() - loudness.min()))
        bands = features[loud].argmax(axis=1)
        if label == 0:
            assert bands.max() - bands.min() <= 1, bands
        else:
            slope = np.polyfit(loud, bands, 1)[0]
            assert (slope > 0.2) if label == 1 else (slope < -0.2), (label, bands)
    with pytest.raises(ValueError, match="2 to 8 classes"):
        sources.synthetic_arrays(_front_end(num_classes=9, num_samples=8, split_seed=0)[0])
{%- endraw %}
