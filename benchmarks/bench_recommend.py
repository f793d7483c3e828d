"""How fast is `advisor recommend` next to a bare `python -c "import typer"`?

Runs the commands interleaved (so machine load hits both alike) and reports median wall times and
the ratio. Target: ratio <= 2.0. Measures advisor as installed: its bytecode compiled (pip does that
at install; an editable checkout under PYTHONDONTWRITEBYTECODE=1 would recompile on every run) and the
rule-set cache warm, plus one cold row with the cache off.
Usage: python benchmarks/bench_recommend.py [--runs N] [--json]
"""

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

ANSWERS = ["--answer", "goal=research", "--answer", "task=llm", "--answer", "pretrained=yes"]


def advisor_command() -> list[str]:
    script = shutil.which("advisor")
    return [script] if script else [sys.executable, "-m", "advisor"]


def wall_time(command: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    import advisor

    compileall.compile_dir(os.path.dirname(advisor.__file__), quiet=1)
    cold = {**os.environ, "ADVISOR_NO_CACHE": "1"}
    commands = {
        "import typer": ([sys.executable, "-c", "import typer"], None),
        "advisor recommend": (advisor_command() + ["recommend", *ANSWERS], None),
        "advisor recommend --json": (advisor_command() + ["recommend", "--json", *ANSWERS], None),
        "advisor recommend (cold)": (advisor_command() + ["recommend", *ANSWERS], cold),
    }
    for command, env in commands.values():  # warm the OS file cache and the rule-set cache
        wall_time(command, env)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(options.runs):
        for name, (command, env) in commands.items():
            samples[name].append(wall_time(command, env))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    baseline = medians["import typer"]
    result = {
        "runs": options.runs,
        "median_s": {name: round(value, 4) for name, value in medians.items()},
        "ratio": {name: round(value / baseline, 2) for name, value in medians.items() if name != "import typer"},
    }
    if options.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{'command':<28}{'median':>10}{'ratio':>8}   ({options.runs} interleaved runs)")
    for name, value in medians.items():
        print(f"{name:<28}{value * 1000:>8.0f}ms{value / baseline:>8.2f}")


if __name__ == "__main__":
    main()
