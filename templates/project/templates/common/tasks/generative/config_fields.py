    image_size: int = 28  # a multiple of 4: the encoder halves it twice, the decoder doubles it back
    channels: int = 1
    base_filters: int = 16
    latent_dim: int = 8  # numbers per image in the code the decoder draws from
