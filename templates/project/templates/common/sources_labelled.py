{% raw %}
# ---------------------------------------------------------------- labelled examples (classification)
def index_labels(raw: list[str]) -> tuple[list[int], list[str]]:
    """Map label strings to 0..K-1; numeric labels keep their numeric order."""
    names = sorted(set(raw))
    if all(re.fullmatch(r"-?\d+", name) for name in names):
        names.sort(key=int)
    index = {name: i for i, name in enumerate(names)}
    return [index[label] for label in raw], names


def load_examples(cfg) -> Examples:
    """Your data when cfg.data_dir is set, synthetic data otherwise."""
    if not cfg.data_dir:
        x, y = synthetic_arrays(cfg)
        return Examples(x, y, [f"class_{i}" for i in range(cfg.num_classes)])
    root = Path(cfg.data_dir).expanduser()
    if not root.exists():
        raise FileNotFoundError(
            f"data_dir {root} does not exist. Point data_dir (configs/train.yaml or --data-dir) at your data, "
            "or leave it empty to train on synthetic data."
        )
    inputs, labels, names = read_data(root, cfg)
    if len(labels) == 0:
        raise ValueError(f"data_dir {root} contains no examples")
    if len(names) < 2:
        raise ValueError(f"data_dir {root} has one class ({names[0]!r}): classification needs two or more")
    return Examples(inputs, np.asarray(labels, dtype=np.int64), list(names))


def fit_config(cfg, examples: Examples):
    """Copy of cfg whose sizes match the data: the class count, and whatever the task reads from it."""
    return dataclasses.replace(cfg, num_classes=len(examples.class_names), **sizes_from_data(examples.inputs))


def imbalance_note(examples: Examples) -> str:
    """A warning when the largest class has over 3x the examples of the smallest (empty when balanced)."""
    counts = np.bincount(examples.labels, minlength=len(examples.class_names))
    if counts.min() * 3 >= counts.max():
        return ""
    rare = examples.class_names[int(counts.argmin())]
    return (
        f"classes are imbalanced ({counts.max()} vs {counts.min()} examples, fewest: {rare!r}): accuracy favours "
        "the large classes, so watch macro_f1 and the confusion matrix; the loss is not reweighted"
    )
{%- endraw %}
