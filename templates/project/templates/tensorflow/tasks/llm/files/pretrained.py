"""Fine-tune a small pretrained causal language model from KerasHub on your text: the same text files as the
byte-level model (data_dir, or the built-in corpus), a model that already knows a language.

    python -m {{ cookiecutter.package }}.pretrained
        [--preset NAME_OR_FOLDER] [--data-dir DIR] [--output-dir DIR]
        [--epochs N] [--batch-size N] [--learning-rate LR] [--context TOKENS] [--lora] [--prompt TEXT]

Optional: `pip uninstall -y tensorflow-cpu`, then `pip install -e ".[pretrained]"` (keras-hub, and the full
`tensorflow` wheel that its tensorflow-text needs: it cannot share an environment with tensorflow-cpu). The
preset downloads on first use and is cached; --preset takes a KerasHub preset name (default gpt2_base_en:
124M parameters) or a folder written by save_to_preset. --lora trains low-rank adapters on the attention
(backbone.enable_lora) instead of every weight. The text is tokenized by the preset's own tokenizer and cut
into non-overlapping windows of --context + 1 tokens, split at random like the byte model's windows
(val_fraction, test_fraction, split_seed of configs/train.yaml). metrics.jsonl in <output-dir> starts with the
pretrained model's val_loss and val_perplexity (epoch 0), then each epoch's train_loss, val_loss and
val_perplexity (per token of that tokenizer: not comparable with the byte model's per-byte figures); the best
epoch is saved in <output-dir>/model with save_to_preset. Training, evaluation and export never import this
module.
"""
{% raw %}
from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import math
from pathlib import Path

import numpy as np

from . import cli, metrics, sources
from .config import Config

DEFAULT_PRESET = "gpt2_base_en"
MODEL_DIR = "model"


def require(*modules: str) -> None:
    """A one-line error when an optional package is missing."""
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        raise ValueError(
            f"fine-tuning a pretrained model needs {', '.join(missing)}: pip uninstall -y tensorflow-cpu, then "
            'pip install -e ".[pretrained]"'
        )


def load_model(preset: str, context: int, lora: bool = False, lora_rank: int = 4):
    """A KerasHub CausalLM (with its preprocessor, `context` tokens long) from a preset name or folder; with
    lora, its backbone frozen and LoRA adapters enabled on the attention."""
    require("keras_hub")
    import keras_hub

    preprocessor = keras_hub.models.CausalLMPreprocessor.from_preset(preset, sequence_length=context)
    causal_lm = keras_hub.models.CausalLM.from_preset(preset, preprocessor=preprocessor)
    if lora:
        causal_lm.backbone.enable_lora(rank=lora_rank)
    return causal_lm


def token_windows(causal_lm, text: str, context: int) -> np.ndarray:
    """Non-overlapping windows of context + 1 token ids (N, context + 1): inputs and their next tokens."""
    import keras

    ids = np.asarray(keras.ops.convert_to_numpy(causal_lm.preprocessor.tokenizer(text)), dtype=np.int32)
    count = len(ids) // (context + 1)
    return ids[: count * (context + 1)].reshape(count, context + 1)


def _inputs(windows: np.ndarray) -> tuple[dict, np.ndarray]:
    """What a CausalLM without its preprocessor takes: token ids and padding mask, and the next tokens."""
    inputs = windows[:, :-1]
    return {"token_ids": inputs, "padding_mask": np.ones_like(inputs, dtype=bool)}, windows[:, 1:]


def fine_tune(
    causal_lm, windows: dict[str, np.ndarray], run_dir: Path, *, epochs: int, batch_size: int, learning_rate: float,
    seed: int, save=None,
) -> list[dict]:  # fmt: skip
    """AdamW on the train windows; after each epoch the validation loss, a metrics.jsonl line, and `save()`
    when it is the best epoch so far. Returns the epoch rows, the first (epoch 0) the model before training."""
    import keras

    keras.utils.set_random_seed(seed)
    optimizer = keras.optimizers.AdamW(learning_rate, weight_decay=0.01, global_clipnorm=1.0)
    causal_lm.compile(optimizer=optimizer, weighted_metrics=[], sampler="greedy")
    order = np.random.default_rng(seed)
    preprocessor, causal_lm.preprocessor = causal_lm.preprocessor, None  # the windows are tokenized already
    metrics.restart_metrics(run_dir, 0)
    try:
        before = held_out_loss(causal_lm, windows["val"], batch_size)
        history, best = [{"epoch": 0, "val_loss": before, "val_perplexity": math.exp(before)}], math.inf
        metrics.append_metrics(run_dir, history[0])
        for epoch in range(1, epochs + 1):
            # Shuffled here: without its preprocessor, a CausalLM turns arrays into a dataset that fit() cannot shuffle.
            train_x, train_y = _inputs(windows["train"][order.permutation(len(windows["train"]))])
            fitted = causal_lm.fit(train_x, train_y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
            val_loss = held_out_loss(causal_lm, windows["val"], batch_size)
            row = {"epoch": epoch, "train_loss": float(fitted.history["loss"][-1]), "val_loss": val_loss,
                   "val_perplexity": math.exp(val_loss)}  # fmt: skip
            history.append(row)
            metrics.append_metrics(run_dir, row)
            print(f"epoch {epoch}/{epochs}  {cli.format_metrics(row)}", flush=True)
            if save and val_loss < best:
                best = val_loss
                causal_lm.preprocessor = preprocessor  # a saved preset keeps its tokenizer
                save()
                causal_lm.preprocessor = None
    finally:
        causal_lm.preprocessor = preprocessor
    return history


def held_out_loss(causal_lm, windows: np.ndarray, batch_size: int) -> float:
    """Mean next-token cross-entropy on these token windows (nan for none), bypassing the preprocessor."""
    if not len(windows):
        return math.nan
    x, y = _inputs(windows)
    preprocessor, causal_lm.preprocessor = causal_lm.preprocessor, None
    try:
        return float(causal_lm.evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)["loss"])
    finally:
        causal_lm.preprocessor = preprocessor


def continue_text(causal_lm, prompt: str, max_length: int) -> str:
    """The prompt and its greedy continuation, `max_length` tokens in all."""
    return str(causal_lm.generate(prompt, max_length=max_length))


def run(cfg: Config, args: argparse.Namespace) -> dict:
    """Load, split, fine-tune, save the best epoch and report its test loss; returns the figures."""
    require("keras_hub")
    import keras
    import keras_hub

    causal_lm = load_model(args.preset, args.context, args.lora, args.lora_rank)
    root = Path(cfg.data_dir).expanduser() if cfg.data_dir else sources.CORPUS
    if not root.exists():
        raise FileNotFoundError(f"data_dir {root} does not exist: point it at a .txt/.md file or a folder of them")
    windows = token_windows(causal_lm, sources.read_corpus(root).decode("utf-8"), args.context)
    examples = sources.Examples(windows, windows, [])
    split = sources.random_split(examples, cfg.val_fraction, cfg.test_fraction, cfg.split_seed)
    parts = {name: windows[getattr(split, name)] for name in ("train", "val", "test")}
    run_dir = Path(cfg.output_dir)
    saved = run_dir / MODEL_DIR
    print(f"fine-tuning {args.preset}{' (LoRA)' if args.lora else ''}: "
          + ", ".join(f"{len(part)} {name}" for name, part in parts.items()) + f" windows of {args.context} tokens")
    history = fine_tune(causal_lm, parts, run_dir, epochs=cfg.epochs, batch_size=args.batch_size,
                        learning_rate=args.learning_rate, seed=cfg.seed,
                        save=lambda: causal_lm.save_to_preset(str(saved)))  # fmt: skip
    best = keras_hub.models.CausalLM.from_preset(str(saved))
    best.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), weighted_metrics=[],
                 sampler="greedy")  # fmt: skip
    loss = held_out_loss(best, parts["test"], args.batch_size)
    result = {"history": history, "test_loss": loss, "model_dir": str(saved)}
    if parts["test"].size:
        metrics.append_metrics(run_dir, {"split": "test", "loss": loss, "perplexity": math.exp(loss)})
    print(f"test loss {loss:.4f}  perplexity {math.exp(loss):.2f}   model: {saved}")
    if args.prompt:
        result["text"] = continue_text(best, args.prompt, args.context)
        print(result["text"])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = cli.parser(__doc__)
    parser.add_argument("--data-dir", help="your .txt/.md file or folder (default: data_dir, else data/corpus.txt)")
    parser.add_argument(
        "--preset", default=DEFAULT_PRESET, help=f"KerasHub preset name or folder (default: {DEFAULT_PRESET})"
    )
    parser.add_argument("--epochs", type=int, default=3, help="passes over the training windows (default: 3)")
    parser.add_argument("--batch-size", type=int, default=8, help="windows per step (default: 8)")
    parser.add_argument("--learning-rate", type=float, default=5e-5, help="AdamW (default: 5e-5; LoRA: try 1e-3)")
    parser.add_argument("--context", type=int, default=128, help="tokens per window (default: 128)")
    parser.add_argument("--lora", action="store_true", help="train LoRA adapters instead of every weight")
    parser.add_argument("--lora-rank", type=int, default=4, help="rank of the LoRA adapters (default: 4)")
    parser.add_argument("--prompt", help="continue this text with the fine-tuned model at the end")
    args = parser.parse_args(argv)
    cfg = dataclasses.replace(cli.config_from_args(args), output_dir=args.output_dir or "runs/pretrained")
    run(cfg, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
{%- endraw %}
