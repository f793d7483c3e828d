{% raw %}
# ---------------------------------------------------------------- generative: a folder of images
def check_batch(x, cfg):
    assert x.shape[1:] == (cfg.image_size, cfg.image_size, cfg.channels)
    assert x.dtype == np.float32 and 0.0 <= x.min() and x.max() <= 1.0


@pytest.mark.smoke
def test_reads_an_image_folder_with_groups_and_images_are_their_own_targets(cpu_config, tmp_path):
    from PIL import Image

    for group, level in (("dark", 0), ("bright", 255)):
        (tmp_path / group).mkdir()
        for i in range(3):
            Image.new("L", (20, 24), level).save(tmp_path / group / f"{i}.png")
    cfg = dataclasses.replace(cpu_config, data_dir=str(tmp_path), val_fraction=0.34, test_fraction=0.0)
    loaders, x, targets = _first_batch(cfg)
    assert loaders.class_names == ["bright", "dark"] and loaders.cfg.num_classes == 2
    check_batch(x, loaders.cfg)
    assert len(x) == 4 and set(np.unique(x).tolist()) == {0.0, 1.0}
    np.testing.assert_array_equal(targets, x)  # a VAE reconstructs its input


@pytest.mark.smoke
def test_reads_a_flat_folder_of_images_as_one_group(cpu_config, tmp_path):
    from PIL import Image

    for i in range(6):
        Image.fromarray(np.full((9, 9, 3), 40 * i, dtype=np.uint8)).save(tmp_path / f"{i}.jpg")
    loaders, x, _ = _first_batch(dataclasses.replace(cpu_config, data_dir=str(tmp_path), batch_size=8))
    assert loaders.class_names == ["."] and loaders.cfg.num_classes == 1
    check_batch(x, loaders.cfg)
    assert len(x) == len(loaders.split.train) == 4
{%- endraw %}
