{% raw %}
# ---------------------------------------------------------------- generative: a folder of images
def write_sample(root):
    """Two groups of 4 tiny PNGs each: dark and bright images."""
    import numpy as np
    from PIL import Image

    for name, level in (("dark", 20), ("bright", 230)):
        (root / name).mkdir(parents=True)
        for i in range(4):
            pixels = np.full((20, 24), level + i, dtype=np.uint8)
            Image.fromarray(pixels).save(root / name / f"{i}.png")
    return root


def check_batch(inputs, cfg):
    assert inputs.dtype == torch.float32
    assert inputs.shape[1:] == (cfg.channels, cfg.image_size, cfg.image_size)  # resized, channels first
    assert 0.0 <= inputs.min() and inputs.max() <= 1.0


@pytest.mark.smoke
def test_reads_a_flat_folder_of_images_as_one_group(cpu_config, tmp_path):
    import numpy as np
    from PIL import Image

    for i in range(6):
        Image.fromarray(np.full((9, 9, 3), 40 * i, dtype=np.uint8)).save(tmp_path / f"{i}.jpg")
    loaders = make_loaders(dataclasses.replace(cpu_config, data_dir=str(tmp_path), batch_size=8))
    assert loaders.class_names == ["."] and loaders.cfg.num_classes == 1
    inputs, labels = next(iter(loaders.train))
    check_batch(inputs, loaders.cfg)
    assert len(inputs) == len(loaders.split.train) == 4 and (labels == 0).all()
{%- endraw %}
