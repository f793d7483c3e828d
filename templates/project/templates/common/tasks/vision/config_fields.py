    image_size: int = 32
    channels: int = 3
    base_filters: int = 16
