"""Continue a prompt with a trained run's language model, one byte at a time, and print the text.

    python -m {{ cookiecutter.package }}.generate --prompt TEXT
        [--output-dir RUN] [--checkpoint PATH] [--max-new-tokens N] [--temperature T] [--seed S]

--temperature 0 (the default) picks the most likely byte every time; above 0 it samples from the softmax of
logits / T (below 1: safer, above 1: wilder), and --seed makes a sample repeatable. The model sees at most
`context` bytes: a longer prompt keeps its last `context` bytes, and so does the text as it grows. Any
Unicode prompt works (it is fed as UTF-8 bytes); a byte sequence that is not valid UTF-8 prints as U+FFFD.
It runs on the CPU: one small forward pass per byte.
"""
{% raw %}
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from . import cli
from .evaluate import predict
from .model import as_model_input
from .sources import VOCAB_SIZE
from .train import checkpoint_path, load_checkpoint


def forward(model):
    """The model's logits for a batch of windows, as numpy: Keras' compiled predict_on_batch when the model has
    one (an eager call per byte is about ten times slower), else evaluate.predict."""
    if hasattr(model, "predict_on_batch"):
        return lambda windows: np.asarray(model.predict_on_batch(windows))
    return lambda windows: np.asarray(predict(model, as_model_input(windows)))


def next_token(logits: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    """The most likely token (temperature 0), or one sampled from softmax(logits / temperature)."""
    if temperature == 0:
        return int(np.argmax(logits))
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    probabilities = np.exp(scaled - scaled.max())
    return int(rng.choice(len(probabilities), p=probabilities / probabilities.sum()))


def generate(
    model, context: int, prompt: bytes, max_new_tokens: int = 200, temperature: float = 0.0, seed: int = 0
) -> bytes:
    """The `max_new_tokens` bytes the model writes after `prompt` (the continuation only).

    Every step feeds one window of exactly `context` bytes, the text so far right-padded with zeros, and reads
    the logits at the last real position: the attention is causal, so the padding cannot change them, and one
    input shape serves every step (Keras and exported models with a fixed shape need nothing else).
    """
    if not prompt:
        raise ValueError("the prompt is empty: give --prompt some text to continue")
    if not temperature >= 0:
        raise ValueError(f"temperature must be 0 (greedy) or more, got {temperature}")
    if max_new_tokens < 0:
        raise ValueError(f"max_new_tokens must be 0 or more, got {max_new_tokens}")
    rng = np.random.default_rng(seed)
    logits_of = forward(model)
    text = list(prompt[-context:])
    window = np.zeros((1, context), dtype=np.int32)
    written = []
    for _ in range(max_new_tokens):
        recent = text[-context:]
        window[0, : len(recent)] = recent
        window[0, len(recent) :] = 0
        logits = logits_of(window)[0, len(recent) - 1, :VOCAB_SIZE]
        token = next_token(logits, temperature, rng)
        text.append(token)
        written.append(token)
    return bytes(written)


def main(argv: list[str] | None = None) -> int:
    parser = cli.parser(__doc__, checkpoint=True)
    parser.add_argument("--prompt", required=True, help="the text to continue (UTF-8)")
    parser.add_argument("--max-new-tokens", type=int, default=200, help="bytes to write (default: 200)")
    parser.add_argument("--temperature", type=float, default=0.0, help="0: most likely byte (default); >0: sample")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the sampling (default: 0)")
    args = parser.parse_args(argv)
    # surrogateescape: bytes of the command line that are not UTF-8 go back to the model as they came.
    prompt = args.prompt.encode("utf-8", errors="surrogateescape")
    if not prompt:
        raise ValueError("the prompt is empty: give --prompt some text to continue")
    run_dir = args.output_dir or cli.config_from_args(args).output_dir
    checkpoint = Path(args.checkpoint) if args.checkpoint else checkpoint_path(run_dir, "best")
    model, cfg, _ = load_checkpoint(checkpoint)
    written = generate(model, cfg.context, prompt, args.max_new_tokens, args.temperature, args.seed)
    # Prompt and continuation decoded together: a character split between them still prints whole.
    sys.stdout.write((prompt + written).decode("utf-8", errors="replace") + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
{%- endraw %}
