{% raw %}
# ---------------------------------------------------------------- shared by every task
def index_labels(raw: list[str]) -> tuple[list[int], list[str]]:
    """Map label strings to 0..K-1; numeric labels keep their numeric order."""
    names = sorted(set(raw))
    if all(re.fullmatch(r"-?\d+", name) for name in names):
        names.sort(key=int)
    index = {name: i for i, name in enumerate(names)}
    return [index[label] for label in raw], names


def data_file(path: Path, suffixes: set[str]) -> Path:
    """data_dir may name the file itself or a folder holding it (the first, by name, is used)."""
    if path.is_file():
        return path
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in suffixes)
    if not files:
        raise ValueError(f"data_dir {path} holds no {'/'.join(sorted(suffixes))} file")
    return files[0]


def load_arrays(cfg) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(x, y, class names): your data when cfg.data_dir is set, synthetic data otherwise."""
    if not cfg.data_dir:
        x, y = synthetic_arrays(cfg)
        return x, y, [f"class_{i}" for i in range(cfg.num_classes)]
    root = Path(cfg.data_dir).expanduser()
    if not root.exists():
        raise FileNotFoundError(
            f"data_dir {root} does not exist. Point data_dir (configs/train.yaml or --data-dir) at your data, "
            "or leave it empty to train on synthetic data."
        )
    x, y, names = read_data(root, cfg)
    if len(y) == 0:
        raise ValueError(f"data_dir {root} contains no examples")
    return x, y, names


def fit_config(cfg, x: np.ndarray, class_names: list[str]):
    """Copy of cfg whose sizes match the data: the class count, and whatever the task reads from it."""
    return dataclasses.replace(cfg, num_classes=len(class_names), **sizes_from_data(x))


def split(x: np.ndarray, y: np.ndarray, val_fraction: float, seed: int):
    """Shuffled (x_train, y_train, x_val, y_val); at least one validation example."""
    order = np.random.default_rng(seed).permutation(len(y))
    n_val = min(len(y) - 1, max(1, round(len(y) * val_fraction))) if val_fraction > 0 else 0
    val, train = order[:n_val], order[n_val:]
    return x[train], y[train], x[val], y[val]
{%- endraw %}
