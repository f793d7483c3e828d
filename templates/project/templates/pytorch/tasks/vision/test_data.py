{% raw %}
# ---------------------------------------------------------------- vision: an image folder
def write_sample(root):
    """Two classes of 4 tiny PNGs each: dark and bright images."""
    import numpy as np
    from PIL import Image

    for name, level in (("dark", 20), ("bright", 230)):
        (root / name).mkdir(parents=True)
        for i in range(4):
            pixels = np.full((20, 24, 3), level + i, dtype=np.uint8)
            Image.fromarray(pixels).save(root / name / f"{i}.png")
    return root


def check_batch(inputs, cfg):
    assert inputs.dtype == torch.float32
    assert inputs.shape[1:] == (cfg.channels, cfg.image_size, cfg.image_size)  # resized, channels first
    assert 0.0 <= inputs.min() and inputs.max() <= 1.0
{%- endraw %}
