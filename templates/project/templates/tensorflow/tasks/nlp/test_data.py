{% raw %}
# ---------------------------------------------------------------- nlp: a text file
def check_batch(x, cfg):
    assert x.shape[1:] == (cfg.max_len,) and x.dtype == np.int32


@pytest.mark.smoke
@pytest.mark.parametrize("name", ["reviews.csv", "reviews.tsv"])
def test_reads_a_text_file(cpu_config, tmp_path, name):
    rows = [("pos", "great film, would watch again"), ("neg", "dull and far too long")] * 3
    if name.endswith(".csv"):
        text = "text,label\n" + "".join(f'"{t}",{label}\n' for label, t in rows)
    else:
        text = "".join(f"{label}\t{t}\n" for label, t in rows)
    (tmp_path / name).write_text(text, encoding="utf-8")
    cfg = dataclasses.replace(cpu_config, data_dir=str(tmp_path), val_fraction=0.34, test_fraction=0.0)
    loaders, x, _ = _first_batch(cfg)
    assert loaders.class_names == ["neg", "pos"] and loaders.cfg.num_classes == 2
    assert x.shape == (4, cfg.max_len) and x.dtype == np.int32
    # Both texts are five words: five ids, then padding.
    assert ((x > 0).sum(axis=1) == 5).all()
{%- endraw %}
