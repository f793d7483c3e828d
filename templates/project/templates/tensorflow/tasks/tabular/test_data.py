{% raw %}
# ---------------------------------------------------------------- tabular: a CSV table
def check_batch(x, cfg):
    assert x.shape[1:] == (cfg.num_features,) and x.dtype == np.float32


@pytest.mark.smoke
def test_reads_a_csv_table(cpu_config, tmp_path):
    rows = ["age,income,score,label"]
    rows += [f"{30 + i},{1000 * i},0.{i},{'yes' if i % 2 else 'no'}" for i in range(6)]
    (tmp_path / "table.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    cfg = dataclasses.replace(cpu_config, data_dir=str(tmp_path), val_fraction=0.34, test_fraction=0.0)
    loaders, x, y = _first_batch(cfg)
    assert loaders.class_names == ["no", "yes"]
    assert loaders.cfg.num_classes == 2 and loaders.cfg.num_features == 3
    assert x.shape == (4, 3) and x.dtype == np.float32
    # Odd rows are "yes" (class 1): their age is odd.
    np.testing.assert_array_equal(x[:, 0] % 2, y)
{%- endraw %}
