    image_size: int = 32
    channels: int = 3
    base_filters: int = 16
    augment: bool = True  # random shifts of training images (off in the smoke tests)
    horizontal_flip: bool = False  # also mirror them: only when a mirrored image is the same class
