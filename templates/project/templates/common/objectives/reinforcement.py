{% raw %}
# ---------------------------------------------------------------- objective: reinforcement
EPISODES_CSV = "test_episodes.csv"
VALIDATION = ("mean_return",)  # logged every iteration as val_<name>: greedy episodes on validation seeds
# evaluate --json and the test line of metrics.jsonl (greedy episodes on test seeds training never used)
REPORTED = ("mean_return", "std_return", "min_return", "max_return", "mean_length", "episodes")
TOP1_AGREEMENT = True  # the exported policy outputs action logits: int8 exports must pick the same action


def scores(seeds, returns, lengths=None) -> dict:
    """Greedy episodes' scores: mean, spread and range of their returns, their mean length, how many there
    were (`episodes`, also as `examples`), and the seeds they ran with (to replay them). No episodes: nan
    and 0."""
    returns = np.asarray(returns, dtype=np.float64)
    lengths = np.asarray(lengths if lengths is not None else [], dtype=np.float64)
    if len(returns) == 0:
        empty = {name: math.nan for name in ("mean_return", "std_return", "min_return", "max_return", "mean_length")}
        return {**empty, "episodes": 0, "examples": 0, "seeds": [], "returns": []}
    return {
        "mean_return": float(returns.mean()),
        "std_return": float(returns.std()),
        "min_return": float(returns.min()),
        "max_return": float(returns.max()),
        "mean_length": float(lengths.mean()) if len(lengths) else math.nan,
        "episodes": len(returns),
        "examples": len(returns),
        "seeds": [int(s) for s in seeds],
        "returns": returns.tolist(),
    }


def write_score_files(run_dir: str | Path, result: dict, class_names: list[str]) -> None:
    """test_episodes.csv beside metrics.jsonl: each test episode's seed and return (replay one with
    `env.reset(seed=...)` and the greedy policy)."""
    pairs = zip(result["seeds"], result["returns"], strict=True)
    lines = ["seed,return"] + [f"{seed},{value:g}" for seed, value in pairs]
    (Path(run_dir) / EPISODES_CSV).write_text("\n".join(lines) + "\n", encoding="utf-8")


def describe_scores(result: dict) -> str:
    """One console line: `test mean return ... (std ..., min ..., max ...) over N episodes`."""
    return (
        f"{result.get('split', 'test')} mean return {result['mean_return']:.1f}  (std {result['std_return']:.1f}, "
        f"min {result['min_return']:g}, max {result['max_return']:g}) over {result['episodes']} greedy episodes"
    )
{%- endraw %}
