{% raw %}
# ---------------------------------------------------------------- tabular: a CSV table
def write_sample(root):
    """A CSV with three numeric features and a string label column."""
    root.mkdir(parents=True)
    rows = ["f1,f2,f3,label"]
    rows += [f"{i},{0.5 * i},1.0,yes" for i in range(4)]
    rows += [f"{-i},{-0.5 * i},0.0,no" for i in range(4)]
    (root / "table.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def check_batch(inputs, cfg):
    assert inputs.dtype == torch.float32
    assert inputs.shape[1] == cfg.num_features == 3  # taken from the CSV, not the config default
{%- endraw %}
