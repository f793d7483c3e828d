"""How long does each generated project's smoke suite take on this machine?

Generates one project per framework x task (CPU target) into a temporary folder and times
`advisor smoke` on each, reporting the median of --runs runs. Needs torch and tensorflow installed.
Usage: python benchmarks/bench_smoke.py [--runs N] [--json]
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from advisor.catalog import load_catalog

FRAMEWORKS = tuple(load_catalog().frameworks)
TASKS = load_catalog().template_tasks


def advisor(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "advisor", *args], capture_output=True, text=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-smoke-") as scratch:
        for framework in FRAMEWORKS:
            for task in TASKS:
                project = Path(scratch) / f"{framework}-{task}"
                made = advisor("new", str(project), "--framework", framework, "-a", f"task={task}", "--no-input")
                if made.returncode != 0:
                    sys.exit(made.stderr)
                times, report = [], {}
                for _ in range(options.runs):
                    start = time.perf_counter()
                    result = advisor("smoke", str(project), "--json")
                    times.append(time.perf_counter() - start)
                    report = json.loads(result.stdout)
                rows.append({
                    "framework": framework,
                    "task": task,
                    "median_s": round(statistics.median(times), 1),
                    "tests": report["passed"] + report["failed"] + report["skipped"],
                    "passed": report["passed"],
                })
    if options.json:
        print(json.dumps({"runs": options.runs, "results": rows}, indent=2))
        return
    print(f"{'framework':<12}{'task':<10}{'tests':>6}{'passed':>8}{'median':>9}   ({options.runs} runs each)")
    for row in rows:
        print(f"{row['framework']:<12}{row['task']:<10}{row['tests']:>6}{row['passed']:>8}{row['median_s']:>8.1f}s")


if __name__ == "__main__":
    main()
