    sample_rate: int = 16000  # Hz: WAV files at another rate are resampled
    clip_seconds: float = 1.0  # every clip is centred, then cut or padded with silence to this length
    window_ms: float = 30.0  # front end: log-mel frames of a window_ms Hann window ...
    hop_ms: float = 20.0  # ... every hop_ms
    num_mels: int = 40  # mel bands per frame
    base_filters: int = 16
    augment: bool = True  # random time shifts of training clips (off in the smoke tests)
