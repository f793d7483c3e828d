"""`generate` continues a prompt with the trained model: greedy bytes follow the corpus far better than byte
frequencies alone, padding never leaks into a prediction, sampling repeats with its seed, long and non-ASCII
prompts work, and a missing checkpoint or an empty prompt is a one-line error."""
{% raw %}
import numpy as np
import pytest
{% endraw %}
from {{ cookiecutter.package }} import cli, generate, sources
from {{ cookiecutter.package }}.evaluate import predict
from {{ cookiecutter.package }}.model import as_model_input
from {{ cookiecutter.package }}.train import (
    checkpoint_path,
    load_checkpoint,
)
{% raw %}

@pytest.fixture(scope="module")
def trained_model(trained_run):
    cfg, _ = trained_run
    model, trained_cfg, _ = load_checkpoint(checkpoint_path(cfg, "best"))
    return model, trained_cfg


@pytest.mark.smoke
def test_greedy_generation_continues_the_corpus_better_than_byte_frequencies(trained_model):
    """A full window of the corpus as the prompt: the greedy next byte is the corpus's next byte far more
    often than the most common byte is (what a model that learned only frequencies would always write)."""
    model, cfg = trained_model
    examples = sources.load_examples(cfg)
    picks = np.linspace(0, len(examples) - 1, num=min(160, len(examples))).round().astype(int)
    wanted = examples.labels[picks, -1]
    written = [generate.generate(model, cfg.context, bytes(examples.inputs[i].tolist()), 1)[0] for i in picks]
    hits = float(np.mean(np.asarray(written) == wanted))
    most_common = float(np.bincount(wanted, minlength=sources.VOCAB_SIZE).max() / len(wanted))
    # Chance is 1/256; always writing the most common byte (a space) scores `most_common` (about 0.2).
    assert hits >= most_common + 0.05, f"greedy next byte right {hits:.2f} of the time, frequencies {most_common:.2f}"
    text = generate.generate(model, cfg.context, b"The river ", 40)
    assert set(text) <= set(sources.CORPUS.read_bytes()), f"wrote bytes the corpus never has: {text!r}"


@pytest.mark.smoke
def test_generation_reads_the_last_real_position_not_the_padding(trained_model):
    """The right-padded window gives the same bytes as feeding the text so far, unpadded, step by step."""
    model, cfg = trained_model
    prompt = b"At the end of "
    text = list(prompt)
    for _ in range(12):
        logits = np.asarray(predict(model, as_model_input(np.asarray([text[-cfg.context :]], dtype=np.int32))))
        text.append(int(logits[0, -1].argmax()))
    assert generate.generate(model, cfg.context, prompt, 12) == bytes(text[len(prompt) :])


@pytest.mark.smoke
def test_sampling_repeats_with_its_seed_and_greedy_ignores_it(trained_model):
    model, cfg = trained_model
    sample = [generate.generate(model, cfg.context, b"The ", 24, temperature=1.0, seed=seed) for seed in (1, 1, 2)]
    assert sample[0] == sample[1] and sample[0] != sample[2]
    assert generate.generate(model, cfg.context, b"The ", 8, seed=1) == generate.generate(
        model, cfg.context, b"The ", 8, seed=2
    )


@pytest.mark.smoke
def test_long_and_non_ascii_prompts(trained_model, trained_run, capsys):
    model, cfg = trained_model
    tail = b"x" * cfg.context
    assert generate.generate(model, cfg.context, b"ignored " * 20 + tail, 6) == generate.generate(
        model, cfg.context, tail, 6
    )
    prompt = "Caf\u00e9 \u2713"
    assert generate.main(["--output-dir", trained_run[0].output_dir, "--prompt", prompt, "--max-new-tokens", "5"]) == 0
    assert capsys.readouterr().out.startswith(prompt)


@pytest.mark.smoke
def test_missing_checkpoint_and_empty_prompt_are_one_line_errors(trained_run, tmp_path, capsys):
    assert cli.run(generate.main, ["--output-dir", str(tmp_path), "--prompt", "x"]) == 2
    assert "no checkpoint" in capsys.readouterr().err
    assert cli.run(generate.main, ["--output-dir", trained_run[0].output_dir, "--prompt", ""]) == 2
    assert "prompt is empty" in capsys.readouterr().err
    with pytest.raises(ValueError, match="temperature"):
        generate.generate(None, 8, b"x", 1, temperature=-1.0)
{%- endraw %}
