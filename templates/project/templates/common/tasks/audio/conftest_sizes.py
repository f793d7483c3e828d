        sample_rate=8000,
        clip_seconds=0.5,
        num_mels=20,
        augment=False,
