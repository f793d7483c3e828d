    vocab_size: int = 8000
    max_len: int = 64
    embed_dim: int = 64
    num_heads: int = 4
    num_layers: int = 2
