{% raw %}
# ---------------------------------------------------------------- vision: an image folder
def check_batch(x, cfg):
    assert x.shape[1:] == (cfg.image_size, cfg.image_size, cfg.channels)
    assert x.dtype == np.float32 and 0.0 <= x.min() and x.max() <= 1.0


@pytest.mark.smoke
def test_reads_an_image_folder(cpu_config, tmp_path):
    from PIL import Image

    for label, color in (("cat", (255, 0, 0)), ("dog", (0, 0, 255))):
        (tmp_path / label).mkdir()
        for i in range(3):
            Image.new("RGB", (20, 24), color).save(tmp_path / label / f"{i}.png")
    cfg = dataclasses.replace(cpu_config, data_dir=str(tmp_path), val_fraction=0.34, test_fraction=0.0)
    loaders, x, y = _first_batch(cfg)
    assert loaders.class_names == ["cat", "dog"] and loaders.cfg.num_classes == 2
    assert x.shape == (4, cfg.image_size, cfg.image_size, 3) and x.dtype == np.float32
    # Red images are class 0, blue ones class 1.
    np.testing.assert_allclose(x[y == 0][..., 0], 1.0)
    np.testing.assert_allclose(x[y == 1][..., 2], 1.0)
{%- endraw %}
