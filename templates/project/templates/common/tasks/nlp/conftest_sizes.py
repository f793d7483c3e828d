        vocab_size=512,
        max_len=16,
        embed_dim=32,
        num_layers=1,
