{% raw %}

@pytest.mark.smoke
def test_unreadable_images_are_refused_before_training(tmp_path):
    from PIL import Image

    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        Image.new("RGBA", (6, 6), (0, 0, 0, 0)).save(tmp_path / name / "ok.png")
    (tmp_path / "b" / "broken.png").write_bytes(b"not an image")
    with pytest.raises(ValueError, match="1 file.* not readable images .*broken.png"):
        sources.read_data(tmp_path, None)


@pytest.mark.smoke
def test_transparent_pixels_become_white(tmp_path):
    from PIL import Image

    Image.new("RGBA", (6, 6), (0, 0, 0, 0)).save(tmp_path / "clear.png")
    np.testing.assert_allclose(sources.load_image(tmp_path / "clear.png", 4, 3), 1.0)
{%- endraw %}
