{% raw %}


PARTS = ("test", "val", "train")


def evaluate(
    run_dir: str | Path, checkpoint: str | Path | None = None, part: str = "test", device: str = "cpu"
) -> dict:
    """Scores of a checkpoint (default: the run's best) on a part of its recorded split."""
    if part not in PARTS:
        raise ValueError(f"split {part!r}: use one of {list(PARTS)}")
    checkpoint = Path(checkpoint) if checkpoint else checkpoint_path(run_dir, "best")
    scores = score_checkpoint(checkpoint, part, select_device(device))
    if not scores["examples"]:
        raise ValueError(f"the {part} split of {checkpoint} is empty (its {part}_fraction was 0)")
    return {name: scores[name] for name in (*metrics.REPORTED, "split", "checkpoint")}


def main(argv: list[str] | None = None) -> int:
    parser = cli.parser(__doc__, checkpoint=True)
    parser.add_argument("--split", default="test", choices=PARTS, help="part of the recorded split (default: test)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    run_dir = args.output_dir or cli.config_from_args(args).output_dir
    scores = evaluate(run_dir, args.checkpoint, args.split, args.device or "cpu")
    if args.json:
        print(json.dumps({k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in scores.items()}))
    else:
        print(describe(scores) + f"\ncheckpoint: {scores['checkpoint']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
{%- endraw %}
