"""Fine-tune a small pretrained causal language model from the Hugging Face Hub on your text: the same text
files as the byte-level model (data_dir, or the built-in corpus), a model that already knows a language.

    python -m {{ cookiecutter.package }}.pretrained
        [--model NAME_OR_FOLDER] [--data-dir DIR] [--output-dir DIR]
        [--epochs N] [--batch-size N] [--learning-rate LR] [--context TOKENS] [--lora] [--prompt TEXT]

Optional: `pip install -e ".[pretrained]"` (transformers, peft). The model downloads on first use and is cached
(~/.cache/huggingface); --model takes a Hub name (default distilgpt2: 82M parameters) or a folder written by
save_pretrained. --lora trains low-rank adapters (peft) instead of every weight: far less memory, and a small
file to keep. The text is tokenized by the model's own tokenizer and cut into non-overlapping windows of
--context tokens, split at random like the byte model's windows (val_fraction, test_fraction, split_seed of
configs/train.yaml). metrics.jsonl in <output-dir> starts with the pretrained model's val_loss and
val_perplexity (epoch 0), then each epoch's train_loss, val_loss and val_perplexity (per token of that
tokenizer: not comparable with the byte model's per-byte figures); the best epoch's model
(or adapter) and tokenizer are saved in <output-dir>/model with save_pretrained. Training, evaluation and
export never import this module.
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

DEFAULT_MODEL = "distilgpt2"
MODEL_DIR = "model"


def require(*modules: str) -> None:
    """A one-line error when an optional package is missing."""
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        raise ValueError(f"fine-tuning a pretrained model needs {', '.join(missing)}: pip install -e \".[pretrained]\"")


def load_model(name: str, lora: bool = False, lora_rank: int = 8):
    """(model, tokenizer) of a Hub name or a save_pretrained folder; with lora, the model wrapped in LoRA
    adapters on every linear layer (only the adapters train)."""
    require("transformers", *(["peft"] if lora else []))
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(name)
    model = AutoModelForCausalLM.from_pretrained(name)
    if lora:
        from peft import LoraConfig, get_peft_model

        adapters = LoraConfig(r=lora_rank, lora_alpha=2 * lora_rank, target_modules="all-linear", task_type="CAUSAL_LM")
        model = get_peft_model(model, adapters)
    return model, tokenizer


def load_saved(folder: Path, lora: bool = False):
    """The model saved by fine_tune: a whole model, or (lora) the adapters on their base model."""
    require("transformers", *(["peft"] if lora else []))
    if lora:
        from peft import AutoPeftModelForCausalLM

        return AutoPeftModelForCausalLM.from_pretrained(folder)
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(folder)


def token_windows(tokenizer, text: str, context: int) -> np.ndarray:
    """Non-overlapping windows of `context` token ids (N, context); the model shifts them into targets itself."""
    from transformers.utils import logging

    verbosity = logging.get_verbosity()
    logging.set_verbosity_error()  # a text longer than the model's window is expected: it is cut below
    try:
        ids = tokenizer(text, return_attention_mask=False)["input_ids"]
    finally:
        logging.set_verbosity(verbosity)
    count = len(ids) // context
    return np.asarray(ids[: count * context], dtype=np.int64).reshape(count, context)


def mean_loss(model, windows: np.ndarray, batch_size: int, device) -> float:
    """Mean next-token cross-entropy of the model on these windows (nan for none)."""
    import torch

    if not len(windows):
        return math.nan
    model.eval()
    total = 0.0
    with torch.no_grad():
        for start in range(0, len(windows), batch_size):
            batch = torch.from_numpy(windows[start : start + batch_size]).to(device)
            total += model(input_ids=batch, labels=batch).loss.item() * len(batch)
    return total / len(windows)


def fine_tune(
    model, windows: dict[str, np.ndarray], run_dir: Path, *, epochs: int, batch_size: int, learning_rate: float,
    seed: int, device="cpu", save=None,
) -> list[dict]:  # fmt: skip
    """AdamW on the train windows; after each epoch the validation loss, a metrics.jsonl line, and `save()`
    when it is the best epoch so far. Returns the epoch rows, the first (epoch 0) the model before training."""
    import torch

    torch.manual_seed(seed)
    model.to(device)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=learning_rate)
    order = np.random.default_rng(seed)
    metrics.restart_metrics(run_dir, 0)
    before = mean_loss(model, windows["val"], batch_size, device)
    history, best = [{"epoch": 0, "val_loss": before, "val_perplexity": math.exp(before)}], math.inf
    metrics.append_metrics(run_dir, history[0])
    for epoch in range(1, epochs + 1):
        model.train()
        losses = []
        shuffled = windows["train"][order.permutation(len(windows["train"]))]
        for start in range(0, len(shuffled), batch_size):
            batch = torch.from_numpy(shuffled[start : start + batch_size]).to(device)
            loss = model(input_ids=batch, labels=batch).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            losses.append(loss.item())
        val_loss = mean_loss(model, windows["val"], batch_size, device)
        row = {"epoch": epoch, "train_loss": float(np.mean(losses)), "val_loss": val_loss,
               "val_perplexity": math.exp(val_loss)}  # fmt: skip
        history.append(row)
        metrics.append_metrics(run_dir, row)
        print(f"epoch {epoch}/{epochs}  {cli.format_metrics(row)}", flush=True)
        if save and val_loss < best:
            best = val_loss
            save()
    return history


def continue_text(model, tokenizer, prompt: str, max_new_tokens: int = 60) -> str:
    """The prompt and its greedy continuation."""
    import torch

    model.eval()
    device = next(model.parameters()).device
    ids = tokenizer(prompt, return_tensors="pt")["input_ids"].to(device)
    with torch.no_grad():
        out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=max_new_tokens,
                             do_sample=False, pad_token_id=tokenizer.eos_token_id)  # fmt: skip
    return tokenizer.decode(out[0], skip_special_tokens=True)


def run(cfg: Config, args: argparse.Namespace) -> dict:
    """Load, split, fine-tune, save the best epoch and report its test loss; returns the figures."""
    from .device import select_device

    model, tokenizer = load_model(args.model, args.lora, args.lora_rank)
    root = Path(cfg.data_dir).expanduser() if cfg.data_dir else sources.CORPUS
    if not root.exists():
        raise FileNotFoundError(f"data_dir {root} does not exist: point it at a .txt/.md file or a folder of them")
    windows = token_windows(tokenizer, sources.read_corpus(root).decode("utf-8"), args.context)
    examples = sources.Examples(windows, windows, [])
    split = sources.random_split(examples, cfg.val_fraction, cfg.test_fraction, cfg.split_seed)
    parts = {name: windows[getattr(split, name)] for name in ("train", "val", "test")}
    run_dir = Path(cfg.output_dir)
    saved = run_dir / MODEL_DIR
    device = select_device(cfg.device)
    print(f"fine-tuning {args.model}{' (LoRA)' if args.lora else ''} on {device}: "
          + ", ".join(f"{len(part)} {name}" for name, part in parts.items()) + f" windows of {args.context} tokens")

    def save() -> None:
        model.save_pretrained(saved)
        tokenizer.save_pretrained(saved)

    history = fine_tune(model, parts, run_dir, epochs=cfg.epochs, batch_size=args.batch_size,
                        learning_rate=args.learning_rate, seed=cfg.seed, device=device, save=save)  # fmt: skip
    best = load_saved(saved, args.lora)
    test_loss = mean_loss(best.to(device), parts["test"], args.batch_size, device)
    result = {"history": history, "test_loss": test_loss, "model_dir": str(saved)}
    if parts["test"].size:
        metrics.append_metrics(run_dir, {"split": "test", "loss": test_loss, "perplexity": math.exp(test_loss)})
    print(f"test loss {test_loss:.4f}  perplexity {math.exp(test_loss):.2f}   model: {saved}")
    if args.prompt:
        result["text"] = continue_text(best, tokenizer, args.prompt)
        print(result["text"])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = cli.parser(__doc__)
    parser.add_argument("--data-dir", help="your .txt/.md file or folder (default: data_dir, else data/corpus.txt)")
    parser.add_argument("--model", default=DEFAULT_MODEL, help=f"Hub name or local folder (default: {DEFAULT_MODEL})")
    parser.add_argument("--epochs", type=int, default=3, help="passes over the training windows (default: 3)")
    parser.add_argument("--batch-size", type=int, default=8, help="windows per step (default: 8)")
    parser.add_argument("--learning-rate", type=float, default=5e-5, help="AdamW (default: 5e-5; LoRA: try 1e-3)")
    parser.add_argument("--context", type=int, default=128, help="tokens per window (default: 128)")
    parser.add_argument("--lora", action="store_true", help="train LoRA adapters (peft) instead of every weight")
    parser.add_argument("--lora-rank", type=int, default=8, help="rank of the LoRA adapters (default: 8)")
    parser.add_argument("--prompt", help="continue this text with the fine-tuned model at the end")
    args = parser.parse_args(argv)
    cfg = dataclasses.replace(cli.config_from_args(args), output_dir=args.output_dir or "runs/pretrained")
    run(cfg, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
{%- endraw %}
