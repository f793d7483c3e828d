{% raw %}
# ---------------------------------------------------------------- image files (Pillow, imported on use)
def _on_white(img):
    from PIL import Image

    rgba = img.convert("RGBA")
    background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(background, rgba)


def load_image(path: str | Path, image_size: int, channels: int) -> np.ndarray:
    """One image as float32 HWC in [0, 1], resized to image_size x image_size."""
    from PIL import Image  # imported here: importing sources needs no pillow

    with Image.open(path) as img:
        if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
            img = _on_white(img)  # transparent pixels would otherwise turn black
        img = img.convert("L" if channels == 1 else "RGB").resize((image_size, image_size), Image.BILINEAR)
        array = np.asarray(img, dtype=np.float32) / 255.0
    return array[..., None] if channels == 1 else array


def readable_image(path: Path) -> bool:
    """Whether the file opens as an image (the header only: images are decoded while training)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path):
            return True
    except (UnidentifiedImageError, OSError):
        return False
{%- endraw %}
