{% raw %}
# ---------------------------------------------------------------- the stratified split
def stratified_split(examples: Examples, val_fraction: float, test_fraction: float, seed: int) -> Split:
    """Each class (or group) is shuffled (seeded) and cut in the same proportions; every class keeps a training
    example.

    Small data can round a part down to nothing: val and test then take one example from the largest class.
    """
    if not (0 <= val_fraction < 1 and 0 <= test_fraction < 1 and val_fraction + test_fraction < 1):
        raise ValueError(
            f"val_fraction ({val_fraction}) and test_fraction ({test_fraction}) must be in [0, 1) and sum below 1"
        )
    rng = np.random.default_rng(seed)
    parts: dict[str, list[int]] = {"train": [], "val": [], "test": []}
    for label in range(len(examples.class_names)):
        members = rng.permutation(np.flatnonzero(examples.labels == label))
        n_test = min(round(len(members) * test_fraction), max(len(members) - 1, 0))
        n_val = min(round(len(members) * val_fraction), max(len(members) - 1 - n_test, 0))
        parts["test"] += members[:n_test].tolist()
        parts["val"] += members[n_test : n_test + n_val].tolist()
        parts["train"] += members[n_test + n_val :].tolist()
    for name, fraction in (("val", val_fraction), ("test", test_fraction)):
        if fraction > 0 and not parts[name]:
            counts = np.bincount(examples.labels[parts["train"]], minlength=len(examples.class_names))
            donors = [i for i in parts["train"] if examples.labels[i] == counts.argmax()]
            if counts.max() > 1:
                parts[name].append(donors[-1])
                parts["train"].remove(donors[-1])
    if not parts["val"]:  # validation picks the best epoch: a run cannot go without it
        raise ValueError(
            f"{len(examples)} examples are too few to hold out a validation example: add examples "
            "(some class needs two or more)"
        )
    order = {name: np.sort(np.asarray(indices, dtype=np.int64)) for name, indices in parts.items()}
    return Split(**order, fingerprint=examples.fingerprint())


def split_examples(cfg, split: Split | None = None):
    """(cfg sized to the data, every example, the split): a recorded split is reused and checked against
    the data; otherwise the config's stratified split is made."""
    examples = load_examples(cfg)
    if split is None:
        split = stratified_split(examples, cfg.val_fraction, cfg.test_fraction, cfg.split_seed)
    else:
        split.check(examples)
    return fit_config(cfg, examples), examples, split
{%- endraw %}
