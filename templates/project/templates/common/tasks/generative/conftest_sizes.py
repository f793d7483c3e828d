        image_size=16,
        base_filters=8,
