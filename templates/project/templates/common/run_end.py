{% raw %}
def finish_run(best: Path, run_dir: Path, best_epoch: int, device=None) -> dict | None:
    """Score the best checkpoint on the test split: the last line of metrics.jsonl and the confusion matrix."""
    test = score_checkpoint(best, "test", device)
    if not test["examples"]:
        return None
    row = {"split": "test", "epoch": best_epoch, **{k: test[k] for k in metrics.REPORTED}, "checkpoint": str(best)}
    metrics.append_metrics(run_dir, row)
    metrics.write_confusion(run_dir, test["confusion"], test["class_names"])
    return test


def describe(scores: dict | None) -> str:
    if not scores:
        return "no test split (test_fraction is 0)"
    return (
        f"{scores['split']} accuracy {scores['accuracy']:.4f}  loss {scores['loss']:.4f}  "
        f"macro_f1 {scores['macro_f1']:.4f}  ({scores['examples']} examples)"
    )
{%- endraw %}
