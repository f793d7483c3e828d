{% raw %}
# ---------------------------------------------------------------- objective: classification
CONFUSION_CSV = "confusion_matrix.csv"
CONFUSION_PNG = "confusion_matrix.png"
VALIDATION = ("loss", "accuracy", "macro_f1")  # logged every epoch as val_<name>
REPORTED = ("accuracy", "loss", "macro_f1", "examples")  # evaluate --json and the test line of metrics.jsonl
TOP1_AGREEMENT = True  # outputs are class logits: int8 exports must also agree on the top class


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray, num_classes: int) -> np.ndarray:
    """counts[true class, predicted class]."""
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(counts, (np.asarray(labels, dtype=np.int64), np.asarray(predictions, dtype=np.int64)), 1)
    return counts


def macro_f1(counts: np.ndarray) -> float:
    """Unweighted mean of the per-class F1 scores (a class never seen nor predicted scores 0)."""
    true_positives = np.diag(counts).astype(np.float64)
    denominator = counts.sum(axis=0) + counts.sum(axis=1)
    f1 = np.divide(2 * true_positives, denominator, out=np.zeros_like(true_positives), where=denominator > 0)
    return float(f1.mean()) if len(f1) else 0.0


def scores(labels: np.ndarray, logits: np.ndarray) -> dict:
    """loss (mean cross-entropy), accuracy, macro_f1, examples and the confusion matrix of a split."""
    labels = np.asarray(labels, dtype=np.int64)
    logits = np.asarray(logits, dtype=np.float64)
    if len(labels) == 0:
        return {"loss": math.nan, "accuracy": math.nan, "macro_f1": math.nan, "examples": 0, "confusion": None}
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    counts = confusion_matrix(labels, logits.argmax(axis=1), logits.shape[1])
    return {
        "loss": float(-log_probs[np.arange(len(labels)), labels].mean()),
        "accuracy": float(np.trace(counts) / len(labels)),
        "macro_f1": macro_f1(counts),
        "examples": len(labels),
        "confusion": counts,
    }


def write_score_files(run_dir: str | Path, result: dict, class_names: list[str]) -> None:
    """The test split's confusion matrix beside metrics.jsonl."""
    write_confusion(run_dir, result["confusion"], class_names)


def describe_scores(result: dict) -> str:
    """One console line: `test accuracy ... loss ... macro_f1 ... (N examples)`."""
    return (
        f"{result['split']} accuracy {result['accuracy']:.4f}  loss {result['loss']:.4f}  "
        f"macro_f1 {result['macro_f1']:.4f}  ({result['examples']} examples)"
    )


def write_confusion(run_dir: str | Path, counts: np.ndarray, class_names: list[str]) -> tuple[Path, Path]:
    """confusion_matrix.csv (rows: true class, columns: predicted) and a PNG picture of it."""
    import csv

    run_dir = Path(run_dir)
    csv_path = run_dir / CONFUSION_CSV
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["true \\ predicted", *class_names])
        for name, row in zip(class_names, counts.tolist(), strict=True):
            writer.writerow([name, *row])
    png_path = run_dir / CONFUSION_PNG
    _draw_confusion(counts, class_names).save(png_path)
    return csv_path, png_path


def _draw_confusion(counts: np.ndarray, class_names: list[str]):
    """Rows shaded by the share of each true class; counts in the cells, class names at the edges."""
    from PIL import Image, ImageDraw

    k = len(class_names)
    cell = 36 if k <= 20 else 12
    label_width = 8 + 7 * min(16, max(len(n) for n in class_names))
    size = (label_width + k * cell + 8, label_width + k * cell + 8)
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    for i in range(k):
        draw.text((4, label_width + i * cell + cell // 3), class_names[i][:16], fill="black")  # true class
        draw.text((label_width + i * cell + 2, 4 + (i % 2) * 12), class_names[i][:4], fill="black")  # predicted
        for j in range(k):
            shade = int(255 - 200 * shares[i, j])
            box = (label_width + j * cell, label_width + i * cell)
            draw.rectangle((*box, box[0] + cell - 1, box[1] + cell - 1), fill=(shade, shade, 255), outline="grey")
            if cell >= 24:
                draw.text((box[0] + 4, box[1] + cell // 3), str(counts[i, j]), fill="black" if shade > 120 else "white")
    return image
{%- endraw %}
