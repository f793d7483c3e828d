"""Do generated projects learn small real datasets with their default config?

For each framework x dataset: generates a project, trains it with its default config on a small real
dataset, evaluates it on its test split, and compares the test accuracy with a logistic regression fitted
on the same train split (standardised features for tables, raw pixels /255 for images, TF-IDF word
unigrams+bigrams for texts). A project "keeps up" when its accuracy is at least 90% of the baseline's.

The datasets are built by this script into --data (a cache: existing ones are reused) from what needs no
download: scikit-learn's bundled digits, wine and breast-cancer sets, the Adwaita icon theme's PNGs, and
docstrings of the Python standard library running this script (so the texts depend on its version).

Needs scikit-learn and pillow on top of torch, tensorflow and advisor; not part of the test suite.
Usage: python benchmarks/bench_learning.py [--data DIR] [--frameworks pytorch,tensorflow]
           [--datasets digits-images,icons-images,wine,breast_cancer,texts] [--json] [--keep DIR]
"""

import argparse
import ast
import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image
from sklearn import datasets as sk_datasets
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

IMAGE_SIZE = 32  # the generated projects' default image_size
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}
ICON_THEME = Path("/usr/share/icons/Adwaita")
ICON_CLASSES = ("actions", "devices", "mimetypes", "status")
MIN_ICONS = 40
# Four stdlib domains; a TF-IDF logistic regression tells them apart about 85% of the time.
TEXT_GROUPS = {
    "files": "os shutil pathlib tempfile glob fnmatch zipfile tarfile stat filecmp posixpath ntpath "
    "genericpath io _pyio fileinput gzip bz2 lzma zipimport",
    "email_web": "email smtplib imaplib poplib mailbox mimetypes http urllib xmlrpc",
    "concurrency": "asyncio threading multiprocessing concurrent queue subprocess sched selectors",
    "text": "re string textwrap difflib codecs locale gettext json csv html shlex tokenize pprint xml "
    "configparser tomllib",
}
TEXT_WORDS = 40
TEXTS_PER_CLASS = 450  # caps the larger groups so the classes are roughly balanced
FRAMEWORK_LABELS = {"pytorch": "PyTorch", "tensorflow": "Keras"}
TRAIN_TIMEOUT_S = 3600
KEEP_UP = 0.9  # a project keeps up when accuracy >= KEEP_UP * baseline accuracy


# ---------------------------------------------------------------- datasets
def write_png_class_folders(root: Path, images: list[tuple[str, str, Image.Image]]) -> None:
    """root/<class>/<name>.png for each (class, name, image)."""
    for label, name, image in images:
        (root / label).mkdir(parents=True, exist_ok=True)
        image.save(root / label / f"{name}.png")


def build_digits(dest: Path) -> str:
    """sklearn's 8x8 digits (0..16) upscaled to 32x32 grayscale PNGs."""
    digits = sk_datasets.load_digits()
    images = []
    for i, (pixels, target) in enumerate(zip(digits.images, digits.target)):
        small = Image.fromarray((pixels * (255 / 16)).round().astype(np.uint8), mode="L")
        images.append((str(target), f"{i:04d}", small.resize((IMAGE_SIZE, IMAGE_SIZE), Image.BILINEAR)))
    write_png_class_folders(dest, images)
    return ""


def icon_folder() -> Path | None:
    """The theme's size folder nearest 48x48 that holds PNGs, or None."""
    sizes = [(int(m[1]), p) for p in ICON_THEME.glob("*x*") if (m := re.fullmatch(r"(\d+)x\1", p.name))]
    with_pngs = [(abs(n - 48), p) for n, p in sizes if n >= IMAGE_SIZE and any(p.glob("*/*.png"))]
    return min(with_pngs)[1] if with_pngs else None


def build_icons(dest: Path) -> str:
    """Adwaita PNG icons, one class per category, composited onto white; duplicate pixels dropped."""
    folder = icon_folder()
    if folder is None:
        return f"skipped: no PNG icons under {ICON_THEME} (only SVGs, or no theme)"
    by_class: dict[str, dict[str, Image.Image]] = {label: {} for label in ICON_CLASSES}
    for label, icons in by_class.items():
        for path in sorted((folder / label).glob("*.png")):
            with Image.open(path) as icon:
                rgba = icon.convert("RGBA")
            # Many icons are byte-identical variants (-rtl, -symbolic-rtl): keep one, so none spans the split.
            icons.setdefault(hashlib.sha256(rgba.tobytes()).hexdigest(), rgba)
    shared = {d for a in by_class for b in by_class if a < b for d in by_class[a].keys() & by_class[b].keys()}
    counts = {label: len(icons.keys() - shared) for label, icons in by_class.items()}
    if min(counts.values()) < MIN_ICONS:
        return f"skipped: fewer than {MIN_ICONS} distinct icons in a category of {folder} ({counts})"
    images = []
    for label, icons in by_class.items():
        kept = [rgba for digest, rgba in icons.items() if digest not in shared]
        for i, rgba in enumerate(kept):
            white = Image.new("RGBA", rgba.size, "white")
            images.append((label, f"{i:04d}", Image.alpha_composite(white, rgba).convert("RGB")))
    write_png_class_folders(dest, images)
    return ""


def write_table(dest: Path, bunch) -> None:
    """A CSV of the features plus an integer `label` column, rows in sklearn's order."""
    with dest.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([*bunch.feature_names, "label"])
        for features, target in zip(bunch.data, bunch.target):
            writer.writerow([*(repr(float(v)) for v in features), int(target)])


def build_wine(dest: Path) -> str:
    write_table(dest, sk_datasets.load_wine())
    return ""


def build_breast_cancer(dest: Path) -> str:
    write_table(dest, sk_datasets.load_breast_cancer())
    return ""


def module_files(module: str) -> list[Path]:
    """The stdlib source files of a module or package, tests excluded."""
    base = Path(sysconfig.get_paths()["stdlib"]) / module.replace(".", "/")
    files = sorted(base.rglob("*.py")) if base.is_dir() else [base.with_suffix(".py")]
    return [f for f in files if f.is_file() and not {"test", "tests"} & set(f.parts)]


def first_paragraphs(path: Path) -> list[str]:
    """First paragraph of every module/class/function docstring in a file, cut to TEXT_WORDS words."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    texts = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            words = (ast.get_docstring(node) or "").strip().split("\n\n")[0].split()
            if len(words) >= 4:  # shorter ones ("Return self.") say nothing about their module
                texts.append(" ".join(words[:TEXT_WORDS]))
    return texts


def build_texts(dest: Path) -> str:
    """Docstrings of four groups of stdlib modules; texts found in two groups are dropped."""
    groups = {
        label: {text for module in modules.split() for f in module_files(module) for text in first_paragraphs(f)}
        for label, modules in TEXT_GROUPS.items()
    }
    ambiguous = {t for a in groups for b in groups if a < b for t in groups[a] & groups[b]}
    rows = []
    for label, texts in groups.items():
        kept = sorted(texts - ambiguous, key=lambda t: (zlib.crc32(t.encode()), t))[:TEXTS_PER_CLASS]
        rows += [(text, label) for text in kept]
    rows.sort(key=lambda row: (zlib.crc32(row[0].encode()), row))  # classes interleaved, same order every run
    with dest.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return ""


# name -> (task, file or folder name, builder); a builder returns "" or why it skipped the dataset.
DATASETS: dict[str, tuple[str, str, Callable[[Path], str]]] = {
    "digits-images": ("vision", "digits-images", build_digits),
    "icons-images": ("vision", "icons-images", build_icons),
    "wine": ("tabular", "wine.csv", build_wine),
    "breast_cancer": ("tabular", "breast_cancer.csv", build_breast_cancer),
    "texts": ("nlp", "texts.csv", build_texts),
}


def build_dataset(name: str, data_dir: Path) -> tuple[Path, str]:
    """(path, skip reason or ""); reuses a finished build, writes to a temporary name and renames it."""
    _, filename, builder = DATASETS[name]
    dest = data_dir / filename
    if dest.exists():
        return dest, ""
    partial = data_dir / f".partial-{filename}"
    if partial.is_dir():
        shutil.rmtree(partial)
    partial.unlink(missing_ok=True)
    skipped = builder(partial)
    if not skipped:
        partial.rename(dest)  # an interrupted build is never mistaken for a finished one
    return dest, skipped


# ---------------------------------------------------------------- examples, in the order the projects read them
def image_paths(root: Path) -> tuple[list[Path], list[str]]:
    """Classes sorted by name, files sorted within each class, as the image task lists them."""
    paths, labels = [], []
    for label in sorted(p.name for p in root.iterdir() if p.is_dir()):
        files = sorted(p for p in (root / label).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        paths += files
        labels += [label] * len(files)
    return paths, labels


def load_pixels(path: Path) -> np.ndarray:
    """RGB at the projects' default size, resized the way the image task resizes."""
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB").resize((IMAGE_SIZE, IMAGE_SIZE), Image.BILINEAR))


def read_examples(task: str, path: Path) -> tuple[object, np.ndarray]:
    """(inputs for the baseline, labels as strings) in file order."""
    if task == "vision":
        paths, labels = image_paths(path)
        pixels = np.stack([load_pixels(p) for p in paths])
        return pixels.reshape(len(paths), -1) / 255.0, np.asarray(labels)
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    labels = np.asarray([row["label"] for row in rows])
    if task == "nlp":
        return [row["text"] for row in rows], labels
    return np.asarray([[float(v) for k, v in row.items() if k != "label"] for row in rows]), labels


def baseline_model(task: str):
    if task == "vision":
        return LogisticRegression(max_iter=2000)
    if task == "nlp":
        return make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(max_iter=2000))
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))


def take(inputs, index: list[int]):
    return [inputs[i] for i in index] if isinstance(inputs, list) else inputs[index]


def baseline(task: str, inputs, labels: np.ndarray, split: dict) -> dict:
    """Logistic regression fitted on the train split, scored on the test split."""
    model = baseline_model(task).fit(take(inputs, split["train"]), labels[split["train"]])
    predicted = model.predict(take(inputs, split["test"]))
    truth = labels[split["test"]]
    return {"accuracy": accuracy_score(truth, predicted), "macro_f1": f1_score(truth, predicted, average="macro")}


def fallback_split(labels: np.ndarray, seed: int = 0) -> dict:
    """Seeded stratified 70/15/15, for projects that write no split.json."""
    index = np.arange(len(labels))
    train, rest = train_test_split(index, test_size=0.3, stratify=labels, random_state=seed)
    val, test = train_test_split(rest, test_size=0.5, stratify=labels[rest], random_state=seed)
    return {"train": sorted(train.tolist()), "val": sorted(val.tolist()), "test": sorted(test.tolist())}


def project_split(run_dir: Path, count: int) -> tuple[dict | None, str]:
    """(RUN/split.json, "") when present and consistent with the data, else (None, why not)."""
    path = run_dir / "split.json"
    if not path.is_file():
        return None, "no RUN/split.json"
    try:
        split = json.loads(path.read_text())
        index = [int(i) for part in ("train", "val", "test") for i in split[part]]
    except (ValueError, KeyError, TypeError) as err:
        return None, f"unreadable RUN/split.json ({err})"
    if not split["train"] or not split["test"] or not all(0 <= i < count for i in index):
        return None, f"RUN/split.json has empty parts or indices outside 0..{count - 1}"
    return split, ""


# ---------------------------------------------------------------- generate, train, evaluate
def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "(no output)"


def run(args: list[str], project: Path | None = None) -> subprocess.CompletedProcess:
    """This Python with args; inside a project (its src/ importable) when one is given."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    if project:
        env["PYTHONPATH"] = "src"
    try:
        return subprocess.run([sys.executable, *args], cwd=project, env=env, capture_output=True, text=True,
                              timeout=TRAIN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(args, 124, "", f"timed out after {TRAIN_TIMEOUT_S}s")


def generate(framework: str, task: str, project: Path) -> str:
    """Generates the project; returns its package name (the folder under src/ holding train.py)."""
    made = run(["-m", "advisor", "new", str(project), "--framework", framework, "-a", f"task={task}", "--no-input"])
    if made.returncode != 0:
        raise RuntimeError(f"advisor new failed: {last_line(made.stderr or made.stdout)}")
    packages = sorted(p.parent.name for p in (project / "src").glob("*/train.py"))
    if not packages:
        raise RuntimeError(f"no src/*/train.py in {project}")
    return packages[0]


def json_object(stdout: str) -> dict | None:
    """The first JSON object a command printed at the start of a line (log lines may come first), or None."""
    decoder = json.JSONDecoder()
    for start in re.finditer(r"^\{", stdout, re.MULTILINE):
        try:
            found, _ = decoder.raw_decode(stdout, start.start())
        except json.JSONDecodeError:
            continue
        if isinstance(found, dict):
            return found
    return None


def read_metrics(run_dir: Path) -> dict:
    """Epochs run and best val_accuracy from RUN/metrics.jsonl, when the project writes one."""
    path = run_dir / "metrics.jsonl"
    if not path.is_file():
        return {"epochs": None, "best_val_accuracy": None}
    lines = [json_object(line) for line in path.read_text().splitlines()]  # a torn last line reads as None
    epochs = [line for line in lines if line and "epoch" in line and "split" not in line]  # the test line has both
    accuracies = [line["val_accuracy"] for line in epochs if line.get("val_accuracy") is not None]
    return {"epochs": len(epochs), "best_val_accuracy": max(accuracies, default=None)}


def train_and_evaluate(framework: str, task: str, data: Path, project: Path) -> dict:
    """Train with the default config, evaluate on the test split; errors are recorded, not raised."""
    run_dir = project / "runs" / "bench"
    result = {"run_dir": str(run_dir), "train_s": None, "error": None, "test": None}
    try:
        package = generate(framework, task, project)
    except RuntimeError as err:
        return {**result, **read_metrics(run_dir), "error": str(err)}
    start = time.perf_counter()
    trained = run(["-m", f"{package}.train", "--data-dir", str(data), "--output-dir", str(run_dir)], project)
    result = {**result, "train_s": round(time.perf_counter() - start, 1), **read_metrics(run_dir)}
    if trained.returncode != 0:
        return {**result, "error": f"train failed: {last_line(trained.stderr or trained.stdout)}"}
    evaluated = run(["-m", f"{package}.evaluate", "--output-dir", str(run_dir), "--json"], project)
    report = json_object(evaluated.stdout) if evaluated.returncode == 0 else None
    if report is None or report.get("split") != "test" or "accuracy" not in report:
        why = last_line(evaluated.stderr or evaluated.stdout) if report is None else f"not a test report: {report}"
        return {**result, "error": f"evaluate --json: {why}"}
    return {**result, "test": report}


# ---------------------------------------------------------------- one dataset, all frameworks
def bench_dataset(name: str, data_dir: Path, frameworks: list[str], scratch: Path) -> dict:
    task = DATASETS[name][0]
    data, skipped = build_dataset(name, data_dir)
    if skipped:
        return {"dataset": name, "task": task, "skipped": skipped}
    inputs, labels = read_examples(task, data)
    row = {"dataset": name, "task": task, "examples": len(labels), "classes": len(set(labels)), "runs": {}}
    baselines: dict[str, dict] = {}  # by split: fitting on pixels takes minutes, and frameworks may share one
    for framework in frameworks:
        outcome = train_and_evaluate(framework, task, data, scratch / f"{framework}-{name}")
        split, why_not = project_split(Path(outcome["run_dir"]), len(labels))
        outcome["split_source"] = f"fallback, seeded stratified 70/15/15: {why_not}" if why_not else "project"
        split = split or fallback_split(labels)
        key = json.dumps(split, sort_keys=True)
        if key not in baselines:
            baselines[key] = baseline(task, inputs, labels, split)
        outcome["baseline"] = baselines[key]
        accuracy = (outcome["test"] or {}).get("accuracy")
        outcome["keeps_up"] = None if accuracy is None else accuracy >= KEEP_UP * outcome["baseline"]["accuracy"]
        row["runs"][framework] = outcome
    return row


# ---------------------------------------------------------------- report
def cell(values: list, digits: int = 3) -> str:
    """One value when every framework agrees, else them all, '/'-separated; '-' for unknown."""
    shown = ["-" if v is None else f"{v:.{digits}f}" if isinstance(v, float) else str(v) for v in values]
    return shown[0] if len(set(shown)) == 1 else " / ".join(shown)


def print_table(rows: list[dict], frameworks: list[str]) -> None:
    names = [FRAMEWORK_LABELS.get(f, f) for f in frameworks]
    header = ["dataset", "task", "examples", "classes", "baseline", *names, "epochs", "train s", "within 10%"]
    lines, notes = [], []
    for row in rows:
        if "skipped" in row:
            notes.append(f"{row['dataset']}: {row['skipped']}")
            continue
        runs = [row["runs"][f] for f in frameworks]
        yes_no = {True: "yes", False: "NO", None: "-"}
        lines.append([row["dataset"], row["task"], str(row["examples"]), str(row["classes"]),
                      cell([r["baseline"]["accuracy"] for r in runs]),
                      *(cell([(r["test"] or {}).get("accuracy")]) for r in runs),
                      cell([r["epochs"] for r in runs]), cell([r["train_s"] for r in runs], digits=1),
                      " / ".join(yes_no[r["keeps_up"]] for r in runs)])
        for framework, r in zip(frameworks, runs):
            if r["error"]:
                notes.append(f"{row['dataset']} {framework}: {r['error']}")
            if r["split_source"] != "project":
                notes.append(f"{row['dataset']} {framework}: baseline split is the {r['split_source']}")
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for line in lines:
        print("| " + " | ".join(v.ljust(w) for v, w in zip(line, widths)) + " |")
    per_framework = f"Columns with several values are {' / '.join(names)}. " if len(names) > 1 else ""
    print(f"\n{per_framework}within 10%: accuracy >= {KEEP_UP} x baseline.")
    for note in notes:
        print(f"- {note}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, help="dataset cache folder (default: a temporary one)")
    parser.add_argument("--frameworks", default="pytorch,tensorflow")
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", type=Path, help="generate the projects here and keep them")
    options = parser.parse_args()
    options.frameworks = [f for f in options.frameworks.split(",") if f]
    options.datasets = [d for d in options.datasets.split(",") if d]
    unknown = sorted(set(options.datasets) - set(DATASETS))
    if unknown:
        parser.error(f"unknown datasets {unknown}; known: {', '.join(DATASETS)}")
    return options


def main() -> None:
    options = parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-learning-") as scratch:
        # Absolute: the projects' commands run inside each project.
        data_dir = (options.data or Path(scratch) / "data").resolve()
        projects = (options.keep or Path(scratch) / "projects").resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        projects.mkdir(parents=True, exist_ok=True)
        rows = [bench_dataset(name, data_dir, options.frameworks, projects) for name in options.datasets]
    if options.json:
        print(json.dumps({"python": sys.version.split()[0], "frameworks": options.frameworks, "results": rows},
                         indent=2))
    else:
        print_table(rows, options.frameworks)


if __name__ == "__main__":
    main()
