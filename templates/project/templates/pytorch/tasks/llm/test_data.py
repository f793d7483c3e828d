{% raw %}
# ---------------------------------------------------------------- llm: text files
def write_sample(root):
    """A folder of two short texts (one .txt, one .md) with a non-ASCII character."""
    root.mkdir(parents=True)
    (root / "a.txt").write_text("The river remembers every flood. " * 8, encoding="utf-8")
    (root / "b.md").write_text("# Notes\n\nCaf\u00e9 by the mill, at the weir. " * 8, encoding="utf-8")
    return root


def check_batch(inputs, cfg):
    assert inputs.dtype == torch.int64 and inputs.shape[1] == cfg.context
    assert 0 <= inputs.min() and inputs.max() < 256


@pytest.mark.smoke
def test_labels_are_the_inputs_shifted_by_one_byte(cpu_config):
    inputs, labels = next(iter(make_loaders(cpu_config).train))
    check_batch(inputs, cpu_config)
    assert labels.dtype == torch.int64 and labels.shape == inputs.shape
    assert torch.equal(labels[:, :-1], inputs[:, 1:]), "a label is not the byte after its input"
{%- endraw %}
