"""Plain-cookiecutter renders of the template over a pairwise matrix of every dimension: no Jinja leftovers,
Python that compiles, a parseable pyproject.toml, the module API in both frameworks, and `ruff check` clean
under the project's own config and under ruff's defaults. The slow tests run rendered projects' smoke suites."""

import ast
import importlib.util
import itertools
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from advisor.catalog import load_catalog

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "project"
CHOICES = json.loads((TEMPLATE / "cookiecutter.json").read_text(encoding="utf-8"))
CATALOG = yaml.safe_load((TEMPLATE / "catalog.yaml").read_text(encoding="utf-8"))
DIMENSIONS = ("framework", "task", "hardware", "os", "scale", "deploy", "browser_training")
LEFTOVERS = ("{{", "{%", "{#", "cookiecutter.", "hooks/post_gen_project.py removes it")
TEXT_SUFFIXES = {".py", ".md", ".toml", ".yaml", ".yml", ".sh", ".sbatch", ".txt", ""}

# The names every generated module offers, in both frameworks (README.md documents them).
MODULE_API = {
    "config.py": {"Config", "load_config"},
    "cli.py": {"parser", "config_from_args", "run"},
    "device.py": {"TARGET_HARDWARE", "select_device", "accelerator_status", "AcceleratorStatus"},
    "sources.py": {"Examples", "Split"},
    # metrics.py ends with the objective's scores (templates/common/objectives/<objective>.py).
    "metrics.py": {"learning_rate_factor", "Tracker", "append_metrics", "VALIDATION", "REPORTED", "TOP1_AGREEMENT",
                   "scores", "write_score_files", "describe_scores"},
    "data.py": {"Batches", "Loaders", "make_loaders", "synthetic_examples", "sample_inputs"},
    "model.py": {"build_model", "example_input", "as_model_input", "adapt", "augment", "loss_fn", "targets", "exported",
                 "export_inputs"},
    "train.py": {"TrainResult", "train", "checkpoint_path", "save_checkpoint", "load_checkpoint", "score_checkpoint",
                 "recorded_split", "main"},
    "evaluate.py": {"evaluate", "predict", "main"},
    "export/__init__.py": {"Format", "FORMATS", "TARGET_FORMATS", "OTHER_FORMATS", "ParityError", "resolve_formats",
                           "check", "export", "export_data", "write_manifest", "outcome", "main"},
    "export/tools.py": set(),
}
# Every format module: made from the model (export) or from another format's artifact (SOURCE + derive);
# run() too unless the format cannot run off its device (parity: none).
FORMAT_API = {"signature", "runtime", "REQUIRES"}
FORMAT_MADE = ({"export"}, {"SOURCE", "derive"})


def project_formats(framework: str, deploy: str, browser_training: str = "no") -> list[str]:
    """The formats a project writes, by advisor's own reading of the catalogue."""
    return list(load_catalog().project_formats(framework, deploy, browser_training == "yes"))


def pair(a: tuple[str, str], b: tuple[str, str]) -> tuple[tuple[str, str], tuple[str, str]]:
    """((dimension, value), (dimension, value)) in DIMENSIONS order."""
    return (a, b) if DIMENSIONS.index(a[0]) < DIMENSIONS.index(b[0]) else (b, a)


def pairwise_rows() -> list[dict[str, str]]:
    """Few rows that hold every pair of values of every two dimensions (greedy; deterministic)."""
    values = {dim: CHOICES[dim] for dim in DIMENSIONS}
    uncovered = {
        ((a, va), (b, vb))
        for a, b in itertools.combinations(DIMENSIONS, 2)
        for va in values[a]
        for vb in values[b]
    }
    rows = []
    while uncovered:
        (a, va), (b, vb) = min(uncovered)
        row = {a: va, b: vb}
        for dim in DIMENSIONS:
            if dim not in row:
                gains = {v: sum(pair((d, row[d]), (dim, v)) in uncovered for d in row) for v in values[dim]}
                row[dim] = max(values[dim], key=gains.__getitem__)
        rows.append(row)
        uncovered -= {((a, row[a]), (b, row[b])) for a, b in itertools.combinations(DIMENSIONS, 2)}
    return rows


ROWS = pairwise_rows()
# A long name (44-character package) on every other row: lines that print the package stay under 120.
LONG_NAME = "Quarterly Churn Forecasting Pipeline Baseline"


def render(out: Path, **context: str) -> Path:
    from cookiecutter.main import cookiecutter

    config = out / "cookiecutter-config.yaml"  # keep cookiecutter's replay files out of the home directory
    out.mkdir(parents=True, exist_ok=True)
    config.write_text(f"cookiecutters_dir: {out / 'cache'}\nreplay_dir: {out / 'replay'}\n", encoding="utf-8")
    return Path(cookiecutter(str(TEMPLATE), no_input=True, extra_context=context, output_dir=str(out / "projects"),
                             config_file=str(config)))


def problems_in(root: Path, context: dict[str, str]) -> list[str]:
    problems = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix not in TEXT_SUFFIXES:
            continue
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(root).as_posix()
        problems += [f"{rel}: template leftover {marker!r}" for marker in LEFTOVERS if marker in text]
        if path.suffix == ".py":
            try:
                tree = ast.parse(text, rel)
            except SyntaxError as error:
                problems.append(f"{rel}: {error}")
                continue
            names = {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
            names |= {t.id for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
                      for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                      if isinstance(t, ast.Name)}
            module = rel.split("/", 2)[-1] if rel.startswith("src/") else None
            is_format = module and module.startswith("export/") and module != "export/__main__.py"
            wanted = MODULE_API.get(module, FORMAT_API if is_format else set())
            problems += [f"{rel}: no {name}" for name in sorted(wanted - names)]
            if wanted is FORMAT_API:
                if not any(made <= names for made in FORMAT_MADE):
                    problems.append(f"{rel}: neither export() nor SOURCE + derive()")
                if CATALOG["formats"][path.stem]["parity"] != "none" and "run" not in names:
                    problems.append(f"{rel}: no run")
    try:
        tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        problems.append(f"pyproject.toml: {error}")
    record = yaml.safe_load((root / ".advisor" / "answers.yaml").read_text(encoding="utf-8"))
    if record["record"] != 2 or record["framework"] != context["framework"] or record["answers"] != {
        key: context[key] for key in ("deploy", "hardware", "os", "scale", "task")
    }:
        problems.append(f".advisor/answers.yaml: {record}")
    package = root / "src" / root.name.replace("-", "_")
    formats = project_formats(context["framework"], context["deploy"], context.get("browser_training", "no"))
    modules = {p.stem for p in (package / "export").glob("*.py")} - {"__init__", "__main__", "tools"}
    if modules != set(formats):
        problems.append(f"export modules {sorted(modules)} != {formats}")
    kept = set(CATALOG["scales"][context["scale"]]["keeps"])
    if CATALOG["tasks"][context["task"]].get("single_process"):  # trains in one process: no launcher
        kept = set()
    for path in {p for facts in CATALOG["scales"].values() for p in facts["keeps"]}:
        if (root / path).exists() != (path in kept):
            problems.append(f"{path}: kept={(root / path).exists()} for scale {context['scale']}")
    return problems


def ruff(root: Path, *args: str) -> str:
    """ruff's findings in a project, run from its folder (so its pyproject.toml decides first-party imports)."""
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", *args],
                            cwd=root, capture_output=True, text=True, check=False)
    return "" if result.returncode == 0 else f"{root}: {result.stdout}{result.stderr}"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("matrix")
    named = [{**row, **({"project_name": LONG_NAME} if i % 2 else {})} for i, row in enumerate(ROWS)]
    return [(row, render(root / f"row{i}", **row)) for i, row in enumerate(named)]


def test_the_matrix_covers_every_pair_of_values():
    for a, b in itertools.combinations(DIMENSIONS, 2):
        pairs = {(row[a], row[b]) for row in ROWS}
        assert pairs == set(itertools.product(CHOICES[a], CHOICES[b])), (a, b)
    assert len(ROWS) < 70


def test_every_render_is_clean(rendered):
    problems = [f"{row}: {problem}" for row, root in rendered for problem in problems_in(root, row)]
    assert problems == []


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is not installed")
def test_every_render_is_ruff_clean(rendered):
    findings = [ruff(root, *args) for _, root in rendered for args in ((), ("--isolated",))]
    assert [finding for finding in findings if finding] == []


@pytest.mark.parametrize("scale", CHOICES["scale"])
def test_both_frameworks_render_the_same_layout_but_their_formats(tmp_path, scale):
    def layout(framework):
        root = render(tmp_path / framework, framework=framework, scale=scale, task="vision", deploy="server")
        files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
        formats = project_formats(framework, "server")
        assert {f"src/my_dl_project/export/{name}.py" for name in formats} <= files
        return files - {f"src/my_dl_project/export/{name}.py" for name in formats}

    assert layout("pytorch") == layout("tensorflow")


def test_renders_are_byte_identical(tmp_path):
    context = {"framework": "tensorflow", "task": "nlp", "scale": "multi-node", "deploy": "android"}
    first, second = render(tmp_path / "a", **context), render(tmp_path / "b", **context)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)


SMOKE = [
    {"framework": "tensorflow", "task": "nlp", "scale": "multi-node", "deploy": "server"},
    {"framework": "pytorch", "task": "vision", "scale": "multi-node", "deploy": "android"},
]


@pytest.mark.slow
@pytest.mark.parametrize("context", SMOKE, ids=lambda c: "-".join(c.values()))
def test_rendered_project_smoke_suite_passes(tmp_path, context):
    root = render(tmp_path, **context)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run([sys.executable, "-m", "pytest", "-m", "smoke", "-q", "-p", "no:cacheprovider"],
                            cwd=root, capture_output=True, text=True, env=env, timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert "skipped" not in result.stdout.splitlines()[-1]
    assert "distributed" in (root / "tests" / "test_distributed.py").read_text(encoding="utf-8")
