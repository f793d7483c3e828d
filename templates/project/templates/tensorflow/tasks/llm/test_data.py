{% raw %}
# ---------------------------------------------------------------- llm: text files
def write_sample(root):
    """A folder of two short texts (one .txt, one .md) with a non-ASCII character."""
    root.mkdir(parents=True)
    (root / "a.txt").write_text("The river remembers every flood. " * 8, encoding="utf-8")
    (root / "b.md").write_text("# Notes\n\nCaf\u00e9 by the mill, at the weir. " * 8, encoding="utf-8")
    return root


def check_batch(x, cfg):
    assert x.shape[1:] == (cfg.context,) and x.dtype == np.int32
    assert 0 <= x.min() and x.max() < 256


@pytest.mark.smoke
def test_labels_are_the_inputs_shifted_by_one_byte(cpu_config):
    _, x, y = _first_batch(cpu_config)
    check_batch(x, cpu_config)
    assert y.dtype == np.int64 and y.shape == x.shape
    np.testing.assert_array_equal(y[:, :-1], x[:, 1:], err_msg="a label is not the byte after its input")
{%- endraw %}
