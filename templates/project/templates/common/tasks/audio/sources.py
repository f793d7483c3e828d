"""Framework-neutral data sources for audio classification (keyword-spotting sized): log-mel features of
synthetic sounds or of your WAV files.

  x float32 (N, frames, num_mels, 1): log-mel spectrograms (front_end() below), time along axis 1
  y int64   (N,) in [0, num_classes)
Your data: data_dir/<class name>/*.wav (PCM, 8/16/24/32-bit, any channels and rate), read while training.

The front end (waveform -> log-mel) runs here, in the input pipeline, and not in the network: every export
holds the network alone, which quantises to full int8 and fits a microcontroller, whose own code computes
the same features from its microphone (the README gives the recipe). Both frameworks share this code.
"""
{% raw %}
from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import re
import wave
from pathlib import Path

import numpy as np

AUDIO_SUFFIXES = {".wav"}
ALLOWED = "PCM WAV with 8, 16, 24 or 32-bit integer samples"
LOW_HZ = 125.0  # the lowest mel band starts here (as micro_speech's); the highest ends at Nyquist
LOG_OFFSET = 1e-6  # log(mel power + LOG_OFFSET): silence stays finite
POOLINGS = 3  # the network halves time and mel 3 times: features need 8 frames and 8 mels or more
# The synthetic classes, in label order: num_classes takes the first ones.
SYNTHETIC_SOUNDS = (
    "tone", "rising_chirp", "falling_chirp", "tone_bursts", "white_noise", "pink_noise", "brown_noise", "clicks",
)  # fmt: skip


# ---------------------------------------------------------------- the front end: waveform -> log-mel
@dataclasses.dataclass(frozen=True)
class FrontEnd:
    """The feature recipe in samples, from the config's sample_rate, clip_seconds, window_ms, hop_ms, num_mels."""

    sample_rate: int
    samples: int  # per clip: longer clips are cut, shorter ones padded with silence
    window: int  # samples per frame (periodic Hann window)
    hop: int  # samples from one frame's start to the next
    fft: int  # FFT length: the window zero-padded to a power of two
    num_mels: int

    @classmethod
    def from_config(cls, cfg) -> FrontEnd:
        window = round(cfg.sample_rate * cfg.window_ms / 1000)
        hop = round(cfg.sample_rate * cfg.hop_ms / 1000)
        samples = round(cfg.sample_rate * cfg.clip_seconds)
        if cfg.sample_rate <= 4 * LOW_HZ:
            raise ValueError(f"config key 'sample_rate' must be above {4 * LOW_HZ:g} Hz, got {cfg.sample_rate}")
        if not (hop > 0 and 0 < window <= samples):
            raise ValueError(
                f"config keys 'window_ms' ({cfg.window_ms}) and 'hop_ms' ({cfg.hop_ms}) must be above 0, and "
                f"the window must fit in 'clip_seconds' ({cfg.clip_seconds})"
            )
        fe = cls(cfg.sample_rate, samples, window, hop, 1 << (window - 1).bit_length(), cfg.num_mels)
        if fe.frames < 2**POOLINGS:
            raise ValueError(
                f"{fe.frames} frames a clip are too few for the network ({2**POOLINGS} or more): raise clip_seconds "
                "or lower hop_ms"
            )
        if fe.num_mels < 2**POOLINGS:
            raise ValueError(f"config key 'num_mels' must be {2**POOLINGS} or more (the network pools thrice)")
        if not (mel_filterbank(fe.sample_rate, fe.fft, fe.num_mels).max(axis=0) > 0).all():
            raise ValueError(
                f"config key 'num_mels' ({fe.num_mels}) is too many for a {cfg.window_ms} ms window: the lowest "
                "bands fall between FFT bins; lower num_mels or lengthen window_ms"
            )
        return fe

    @property
    def frames(self) -> int:
        return 1 + (self.samples - self.window) // self.hop


@functools.cache
def mel_filterbank(sample_rate: int, fft: int, num_mels: int) -> np.ndarray:
    """(fft // 2 + 1, num_mels) triangular filters, equally spaced on the HTK mel scale
    (2595 log10(1 + hz / 700)) from LOW_HZ to Nyquist, each peaking at 1 (no area normalisation).
    Cached: treat it as read-only."""

    def mel(hz):
        return 2595.0 * np.log10(1.0 + np.asarray(hz) / 700.0)

    edges = 700.0 * (10 ** (np.linspace(mel(LOW_HZ), mel(sample_rate / 2), num_mels + 2) / 2595.0) - 1.0)
    hz = np.arange(fft // 2 + 1) * sample_rate / fft
    low, centre, high = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising, falling = (hz - low) / (centre - low), (high - hz) / (high - centre)
    return np.maximum(0.0, np.minimum(rising, falling)).T.astype(np.float32)


def front_end(waveforms: np.ndarray, fe: FrontEnd) -> np.ndarray:
    """(N, samples) floats in [-1, 1] -> (N, frames, num_mels, 1) float32 log-mel: frames of `window`
    samples every `hop` samples (no padding at the edges), a periodic Hann window, the power spectrum
    |FFT|^2 of an `fft`-point FFT, the mel filterbank, then the natural log of (mel power + LOG_OFFSET)."""
    waveforms = np.asarray(waveforms, dtype=np.float32)
    starts = np.arange(fe.frames) * fe.hop
    frames = waveforms[:, starts[:, None] + np.arange(fe.window)]  # (N, frames, window)
    hann = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(fe.window) / fe.window)).astype(np.float32)
    power = (np.abs(np.fft.rfft(frames * hann, n=fe.fft)) ** 2).astype(np.float32)
    mel = power @ mel_filterbank(fe.sample_rate, fe.fft, fe.num_mels)
    return np.log(mel + np.float32(LOG_OFFSET))[..., None]


# ---------------------------------------------------------------- synthetic sounds
def _sound(kind: str, rng: np.random.Generator, fe: FrontEnd) -> np.ndarray:
    """One clip of a kind of sound: random pitch, loudness, length and position, over background noise."""
    n, rate = fe.samples, fe.sample_rate
    length = int(n * rng.uniform(0.5, 1.0))
    start = int(rng.integers(0, n - length + 1))
    t = np.arange(length) / rate
    top = 0.4 * rate  # the highest pitch, well inside the mel range
    if kind in ("tone", "tone_bursts"):
        pitch = np.exp(rng.uniform(np.log(200.0), np.log(top)))
        event = np.sin(2 * np.pi * pitch * t + rng.uniform(0, 2 * np.pi))
        if kind == "tone_bursts":  # 3 to 6 bursts, on half the time
            bursts = rng.integers(3, 7)
            event *= (np.floor(2 * bursts * np.arange(length) / length) % 2) == 0
    elif kind in ("rising_chirp", "falling_chirp"):  # an exponential sweep over 1.5 to 3 octaves
        ratio = 2 ** rng.uniform(1.5, 3.0)
        low = np.exp(rng.uniform(np.log(150.0), np.log(top / ratio)))
        duration = length / rate
        phase = 2 * np.pi * low * duration / np.log(ratio) * (ratio ** (t / duration) - 1)
        event = np.sin(phase if kind == "rising_chirp" else phase[::-1])
    elif kind == "clicks":  # a train of single-sample clicks, 8 to 25 a second
        event = np.zeros(length)
        period = int(rate / rng.uniform(8, 25))
        event[rng.integers(0, period) :: period] = rng.choice([-1.0, 1.0])
    else:  # coloured noise: power falling as 1/f^0 (white), 1/f (pink) or 1/f^2 (brown)
        tilt = {"white_noise": 0.0, "pink_noise": 0.5, "brown_noise": 1.0}[kind]
        spectrum = np.fft.rfft(rng.standard_normal(n))  # the clip's length: FFTs of odd lengths are slow
        hz = np.maximum(np.fft.rfftfreq(n, 1 / rate), LOW_HZ)
        event = np.fft.irfft(spectrum / hz**tilt, n)[:length]
        event /= np.sqrt(np.mean(event**2)) * 3 + 1e-12  # peaks near 1
    fade = np.minimum(1.0, np.minimum(np.arange(length), np.arange(length)[::-1]) / (0.01 * rate))  # no clicks
    clip = np.zeros(n)
    loudness = np.exp(rng.uniform(np.log(0.05), np.log(0.8)))
    clip[start : start + length] = loudness * event * fade
    snr_db = rng.uniform(10.0, 30.0)  # background noise 10 to 30 dB below the sound
    clip += rng.standard_normal(n, dtype=np.float32) * loudness * 0.3 * 10 ** (-snr_db / 20)
    return clip


def synthetic_arrays(cfg) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic (from cfg.split_seed) labelled sounds, class k the k-th of SYNTHETIC_SOUNDS, as log-mel
    features."""
    if not 2 <= cfg.num_classes <= len(SYNTHETIC_SOUNDS):
        raise ValueError(
            f"num_classes {cfg.num_classes}: the synthetic sounds have 2 to {len(SYNTHETIC_SOUNDS)} classes "
            f"({', '.join(SYNTHETIC_SOUNDS)}); set data_dir to train on your own"
        )
    rng = np.random.default_rng(cfg.split_seed)  # the data, like its split, ignores the training seed
    fe = FrontEnd.from_config(cfg)
    y = rng.integers(0, cfg.num_classes, size=cfg.num_samples).astype(np.int64)
    x = np.empty((cfg.num_samples, fe.frames, fe.num_mels, 1), dtype=np.float32)
    chunk = 256  # waveforms in chunks: a clip's samples outnumber its features
    for start in range(0, cfg.num_samples, chunk):
        labels = y[start : start + chunk]
        x[start : start + len(labels)] = front_end(np.stack([_sound(SYNTHETIC_SOUNDS[k], rng, fe) for k in labels]), fe)
    return x, y


# ---------------------------------------------------------------- your WAV files
def _wav_error(err: Exception) -> str:
    """What wave's error means for the user."""
    text = str(err)
    if text == "unknown format: 3":
        return "float samples"
    if text == "unknown format: 65534":
        return "WAVE_FORMAT_EXTENSIBLE (Python 3.12+ reads it; or re-save as plain PCM)"
    return f"not a WAV file ({text or 'too short'})"


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """(mono float32 samples in [-1, 1), sample rate) from a PCM WAV; channels are averaged. Anything else
    raises a one-line ValueError naming the file and what is allowed."""
    try:
        with wave.open(str(path), "rb") as f:
            channels, width, rate = f.getnchannels(), f.getsampwidth(), f.getframerate()
            raw = f.readframes(f.getnframes())
    except (wave.Error, EOFError) as err:
        raise ValueError(f"{path}: {_wav_error(err)}; allowed: {ALLOWED}") from None
    if width not in (1, 2, 3, 4):
        raise ValueError(f"{path}: {8 * width}-bit samples; allowed: {ALLOWED}")
    count = len(raw) // (width * channels)
    if count == 0:
        raise ValueError(f"{path}: holds no samples; allowed: {ALLOWED} of at least one sample")
    data = np.frombuffer(raw[: count * width * channels], dtype=np.uint8)
    if width == 1:  # 8-bit WAV samples are unsigned
        samples = (data.astype(np.float32) - 128.0) / 128.0
    elif width == 3:  # 24-bit little-endian: shift into the top of an int32
        triples = data.reshape(-1, 3).astype(np.int32)
        samples = ((triples[:, 0] << 8 | triples[:, 1] << 16 | triples[:, 2] << 24) / 2.0**31).astype(np.float32)
    else:
        samples = data.view(f"<i{width}").astype(np.float32) / np.float32(2 ** (8 * width - 1))
    return samples.reshape(count, channels).mean(axis=1), rate


def resample(samples: np.ndarray, rate: int, new_rate: int) -> np.ndarray:
    """Band-limited resampling (the spectrum cut or zero-padded): no aliasing when the rate falls."""
    if rate == new_rate:
        return samples
    count = max(1, round(len(samples) * new_rate / rate))
    return (np.fft.irfft(np.fft.rfft(samples), count) * (count / len(samples))).astype(np.float32)


def fit_length(samples: np.ndarray, length: int) -> np.ndarray:
    """Centred: a longer clip loses both ends, a shorter one gets silence on both sides."""
    if len(samples) >= length:
        start = (len(samples) - length) // 2
        return samples[start : start + length]
    before = (length - len(samples)) // 2
    return np.pad(samples, (before, length - len(samples) - before))


def load_waveform(path: str | Path, cfg) -> np.ndarray:
    """One WAV file as the front end takes it: mono, at cfg.sample_rate, cfg.clip_seconds long."""
    fe = FrontEnd.from_config(cfg)
    samples, rate = read_wav(path)
    if rate != fe.sample_rate:  # cut first (resampling a long file is slow), a sample to spare
        samples = fit_length(samples, min(len(samples), int(np.ceil(fe.samples * rate / fe.sample_rate)) + 1))
        samples = resample(samples, rate, fe.sample_rate)
    return fit_length(samples, fe.samples)


def list_audio_folder(root: Path) -> tuple[list[Path], list[int], list[str]]:
    """root/<class>/*.wav -> (paths, labels, class names), sorted."""
    classes = sorted(p.name for p in root.iterdir() if p.is_dir())
    paths, labels = [], []
    for label, name in enumerate(classes):
        files = sorted(p for p in (root / name).iterdir() if p.suffix.lower() in AUDIO_SUFFIXES)
        paths += files
        labels += [label] * len(files)
    return paths, labels, classes


def check_wav(path: Path) -> str:
    """Why the file cannot be read ('' when it can): its header only, the samples are read while training."""
    try:
        with wave.open(str(path), "rb") as f:
            width, count = f.getsampwidth(), f.getnframes()
    except (wave.Error, EOFError) as err:
        return _wav_error(err)
    except OSError as err:
        return f"unreadable ({err.strerror or err})"
    if width not in (1, 2, 3, 4):
        return f"{8 * width}-bit samples"
    return "" if count > 0 else "holds no samples"


def read_data(root: Path, cfg) -> tuple[list[str], list[int], list[str]]:
    """The WAV files under root/<class>/ (decoded lazily, while training); (paths, labels, class names)."""
    if not root.is_dir():
        raise ValueError(f"data_dir {root} must be a folder with one sub-folder of .wav files per class")
    paths, labels, names = list_audio_folder(root)
    if not paths:
        raise ValueError(f"no .wav files found: expected {root}/<class name>/*.wav")
    problems = [(p, why) for p in paths if (why := check_wav(p))]
    if problems:
        path, why = problems[0]
        raise ValueError(
            f"{len(problems)} file(s) under {root} cannot be read (first: {path}: {why}); allowed: {ALLOWED}: "
            "fix or remove them"
        )
    return [str(p) for p in paths], labels, names


def load_input(path: str, cfg) -> np.ndarray:
    """One example from its file, in the layout synthetic_arrays gives (what streaming loaders call)."""
    return front_end(load_waveform(path, cfg)[None], FrontEnd.from_config(cfg))[0]


def sizes_from_data(inputs) -> dict[str, int]:
    """Config sizes the data decides (clips are cut or padded to the config's length, so none)."""
    return {}

{% endraw %}
{%- include "common/sources_base.py" %}
{% include "common/sources_split.py" %}
{% include "common/sources_labelled.py" %}
