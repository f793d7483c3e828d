{% raw %}
def finish_run(best: Path, run_dir: Path, best_epoch: int, device=None) -> dict | None:
    """Score the best checkpoint on the test split: the last line of metrics.jsonl, and the objective's files
    (classification: the confusion matrix)."""
    test = score_checkpoint(best, "test", device)
    if not test["examples"]:
        return None
    row = {"split": "test", "epoch": best_epoch, **{k: test[k] for k in metrics.REPORTED}, "checkpoint": str(best)}
    metrics.append_metrics(run_dir, row)
    metrics.write_score_files(run_dir, test, test["class_names"])
    return test


def describe(scores: dict | None) -> str:
    if not scores:
        return "no test split (test_fraction is 0)"
    return metrics.describe_scores(scores)
{%- endraw %}
