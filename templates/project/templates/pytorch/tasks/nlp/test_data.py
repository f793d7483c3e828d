{% raw %}
# ---------------------------------------------------------------- nlp: a text file
def write_sample(root):
    """A CSV (header text,label) with two clearly separable classes."""
    root.mkdir(parents=True)
    rows = ["text,label"]
    rows += [f'"what a great, wonderful film {i}",positive' for i in range(4)]
    rows += [f'"dull and boring, too long {i}",negative' for i in range(4)]
    (root / "reviews.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def check_batch(inputs, cfg):
    assert inputs.dtype == torch.int64
    assert inputs.shape[1] == cfg.max_len
    assert 0 <= inputs.min() and inputs.max() < cfg.vocab_size


@pytest.mark.smoke
def test_tsv_lines_are_read(tmp_path):
    from {% endraw %}{{ cookiecutter.package }}{% raw %} import sources

    path = tmp_path / "data.tsv"
    path.write_text("b\tsecond text\na\tfirst text\n\n", encoding="utf-8")
    texts, labels, names = sources.read_text_file(path)
    assert texts == ["second text", "first text"] and labels == [1, 0] and names == ["a", "b"]
{%- endraw %}
