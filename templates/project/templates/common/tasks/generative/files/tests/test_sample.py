"""`sample` draws images from the trained decoder into one PNG grid: the grid has the right size, a seed repeats
it, and bad requests end in one line without leaving a file behind. (That the trained decoder's images look like
the data is in test_learning.py: it needs a model trained for longer than the shared run.)"""
{% raw %}
import pytest
{% endraw %}
from {{ cookiecutter.package }} import cli
from {{ cookiecutter.package }}.sample import (
    PAD,
    grid_shape,
    main,
    zoom_for,
)
{% raw %}

@pytest.mark.smoke
def test_sample_writes_a_png_grid_that_its_seed_repeats(trained_run, tmp_path):
    from PIL import Image

    cfg, _ = trained_run
    out = tmp_path / "grid.png"
    assert main(["--output-dir", cfg.output_dir, "--out", str(out), "--n", "7", "--seed", "3"]) == 0
    assert grid_shape(7) == (3, 3) and grid_shape(16) == (4, 4) and grid_shape(1) == (1, 1)
    cell = cfg.image_size * zoom_for(cfg.image_size) + PAD
    with Image.open(out) as image:
        assert image.format == "PNG" and image.size == (3 * cell + PAD, 3 * cell + PAD)
        assert image.mode == ("L" if cfg.channels == 1 else "RGB")
    first = out.read_bytes()
    assert main(["--output-dir", cfg.output_dir, "--out", str(out), "--n", "7", "--seed", "3"]) == 0
    assert out.read_bytes() == first, "the same seed must draw the same grid"
    assert main(["--output-dir", cfg.output_dir, "--out", str(out), "--n", "7", "--seed", "4"]) == 0
    assert out.read_bytes() != first
    assert [p.name for p in tmp_path.iterdir()] == ["grid.png"], "a temporary file was left behind"


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--n", "0"], "--n must be 1 to"),
        (["--checkpoint", "missing.pt"], "no checkpoint at"),
        (["--out", "no-such-folder/grid.png"], "does not exist"),
        (["--out", "grid.jpg"], "name a .png file"),
    ],
)
def test_bad_requests_end_in_one_line_and_write_nothing(trained_run, tmp_path, capsys, arguments, message):
    cfg, _ = trained_run
    base = {"--output-dir": cfg.output_dir, "--out": str(tmp_path / "grid.png")}
    given = dict(zip(arguments[::2], arguments[1::2], strict=True))
    if "--out" in given:
        given["--out"] = str(tmp_path / given["--out"])
    if "--checkpoint" in given:
        given["--checkpoint"] = str(tmp_path / given["--checkpoint"])
    argv = [part for key, value in {**base, **given}.items() for part in (key, value)]
    assert cli.run(main, argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1, err
    assert not list(tmp_path.iterdir())
{%- endraw %}
