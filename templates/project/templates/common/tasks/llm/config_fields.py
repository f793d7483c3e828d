    context: int = 64  # bytes the model sees at once: the length of a window (an example)
    embed_dim: int = 64
    num_heads: int = 4
    num_layers: int = 2
