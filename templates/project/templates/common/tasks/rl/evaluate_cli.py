{% raw %}


PARTS = ("test", "val")


def evaluate(
    run_dir: str | Path,
    checkpoint: str | Path | None = None,
    episodes: int | None = None,
    part: str = "test",
    device: str = "cpu",
) -> dict:
    """Greedy episodes of a checkpoint (default: the run's best) on a part's seeds: test (seeds training never
    used; the first `episodes` of them, default the config's test_episodes) or val (the validation episodes)."""
    if part not in PARTS:
        raise ValueError(f"split {part!r}: use one of {list(PARTS)}")
    if episodes is not None and episodes < 1:
        raise ValueError(f"--episodes must be 1 or more, got {episodes}")
    checkpoint = Path(checkpoint) if checkpoint else checkpoint_path(run_dir, "best")
    scores = score_checkpoint(checkpoint, part, select_device(device), episodes)
    if not scores["episodes"]:
        raise ValueError(f"{checkpoint} was trained with test_episodes 0: pass --episodes N")
    return {name: scores[name] for name in (*metrics.REPORTED, "seeds", "split", "checkpoint")}


def main(argv: list[str] | None = None) -> int:
    parser = cli.parser(__doc__, checkpoint=True)
    parser.add_argument("--episodes", type=int, help="greedy episodes to play (default: the run's test_episodes)")
    parser.add_argument("--split", default="test", choices=PARTS, help="whose seeds: test (default) or val")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    run_dir = args.output_dir or cli.config_from_args(args).output_dir
    scores = evaluate(run_dir, args.checkpoint, args.episodes, args.split, args.device or "cpu")
    if args.json:
        print(json.dumps({k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in scores.items()}))
    else:
        print(describe(scores) + f"\ncheckpoint: {scores['checkpoint']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
{%- endraw %}
