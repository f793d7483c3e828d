{% raw %}
def _lines(cfg) -> tuple[list[dict], dict]:
    rows = metrics.read_metrics(cfg.output_dir)
    epochs = [row for row in rows if "split" not in row]
    tests = [row for row in rows if row.get("split") == "test"]
    assert len(tests) == 1, f"expected one test line in metrics.jsonl, got {len(tests)}"
    return epochs, tests[0]


def _weights(model) -> list[np.ndarray]:
    if hasattr(model, "state_dict"):  # PyTorch
        return [value.detach().cpu().numpy() for value in model.state_dict().values()]
    return [np.asarray(w) for w in model.get_weights()]
{%- endraw %}
