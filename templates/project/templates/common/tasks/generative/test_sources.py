{% raw %}

@pytest.mark.smoke
def test_unreadable_images_are_refused_before_training(tmp_path):
    from PIL import Image

    Image.new("L", (6, 6), 0).save(tmp_path / "ok.png")
    (tmp_path / "group").mkdir()
    (tmp_path / "group" / "broken.png").write_bytes(b"not an image")
    with pytest.raises(ValueError, match="1 file.* not readable images .*broken.png"):
        sources.read_data(tmp_path, None)


@pytest.mark.smoke
def test_a_flat_folder_is_one_group_and_sub_folders_are_groups(tmp_path):
    from PIL import Image

    for path in ("b.png", "a.jpg", "cats/1.png", "dogs/1.png", "dogs/2.png", "empty/notes.txt"):
        (tmp_path / path).parent.mkdir(exist_ok=True)
        if path.endswith("txt"):
            (tmp_path / path).write_text("not read")
        else:
            Image.new("RGB", (5, 7), (255, 0, 0)).save(tmp_path / path)
    paths, labels, names = sources.read_data(tmp_path, None)
    assert names == [sources.TOP_LEVEL, "cats", "dogs"]  # a folder without images is no group
    assert [p.replace("\\", "/").removeprefix(str(tmp_path).replace("\\", "/")) for p in paths] == [
        "/a.jpg", "/b.png", "/cats/1.png", "/dogs/1.png", "/dogs/2.png"
    ]
    assert labels == [0, 0, 1, 2, 2]


@pytest.mark.smoke
def test_transparent_pixels_become_white(tmp_path):
    from PIL import Image

    Image.new("RGBA", (6, 6), (0, 0, 0, 0)).save(tmp_path / "clear.png")
    np.testing.assert_allclose(sources.load_image(tmp_path / "clear.png", 4, 1), 1.0)


@pytest.mark.smoke
def test_synthetic_shapes_are_seeded_by_split_seed_and_differ_by_kind(cpu_config):
    import dataclasses

    x, y = sources.synthetic_arrays(cpu_config)
    assert x.shape == (cpu_config.num_samples, cpu_config.image_size, cpu_config.image_size, cpu_config.channels)
    assert x.dtype == np.float32 and 0.0 <= x.min() and x.max() <= 1.0 and set(y.tolist()) == {0, 1, 2, 3}
    assert (x.reshape(len(x), -1).max(axis=1) >= 0.5).all(), "every image shows a shape"
    np.testing.assert_array_equal(sources.synthetic_arrays(dataclasses.replace(cpu_config, seed=9))[0], x)
    assert not np.array_equal(sources.synthetic_arrays(dataclasses.replace(cpu_config, split_seed=9))[0], x)
    # Kinds cover different shares of their bounding box: squares the most, crosses the least.
    filled = (x[..., 0] > 0.05).mean(axis=(1, 2)) / (x[..., 0] > 0.05).any(axis=1).mean(axis=1) ** 2
    assert filled[y == 1].mean() > filled[y == 0].mean() > filled[y == 3].mean()


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("key", "value", "message"),
    [("image_size", 30, "multiple of 4"), ("channels", 2, "1 .grayscale. or 3"), ("num_classes", 5, "1 to 4 shape")],
)
def test_sizes_the_network_cannot_take_are_refused(cpu_config, key, value, message):
    import dataclasses

    with pytest.raises(ValueError, match=message):
        sources.load_examples(dataclasses.replace(cpu_config, **{key: value}))
{%- endraw %}
