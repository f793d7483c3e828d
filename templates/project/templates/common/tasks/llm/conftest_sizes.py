        context=16,
        embed_dim=32,
        num_layers=1,
