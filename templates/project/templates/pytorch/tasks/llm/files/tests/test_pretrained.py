"""The optional pretrained path (pretrained.py): fine-tuning lowers the validation loss, saves the best model and
continues a prompt. Skipped when transformers is not installed (pip install -e ".[pretrained]"); the Hub test
also when the Hub cannot be reached. A tiny model built here (random weights, a tokenizer trained on the corpus)
checks the code offline."""
{% raw %}
import os
import socket

import pytest
{% endraw %}
from {{ cookiecutter.package }} import metrics, pretrained, sources
{% raw %}
pytest.importorskip("transformers", reason='the pretrained path needs transformers: pip install -e ".[pretrained]"')

HUB_MODEL = "sshleifer/tiny-gpt2"  # a few MB of random GPT-2 weights with the real GPT-2 tokenizer


def hub_reachable() -> bool:
    if os.environ.get("HF_HUB_OFFLINE"):
        return False
    try:
        socket.create_connection(("huggingface.co", 443), timeout=3).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A save_pretrained folder: a one-layer GPT-2 with random weights and a byte-level BPE tokenizer
    trained on the built-in corpus (no download)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    text = sources.CORPUS.read_text(encoding="utf-8")
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400, special_tokens=["<|endoftext|>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    bpe.train_from_iterator([text], trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<|endoftext|>")
    eos = tokenizer.eos_token_id
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=64, n_embd=32, n_layer=1, n_head=2, bos_token_id=eos,
                        eos_token_id=eos)  # fmt: skip
    folder = tmp_path_factory.mktemp("tiny-gpt2")
    GPT2LMHeadModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return str(folder)


def _fine_tune(model: str, out, *extra: str) -> list[dict]:
    argv = ["--model", model, "--output-dir", str(out), "--context", "32", "--prompt", "The keeper", *extra]
    assert pretrained.main(argv) == 0
    return [row for row in metrics.read_metrics(out) if "split" not in row]


@pytest.mark.smoke
def test_fine_tuning_a_local_model_lowers_the_validation_loss_and_saves_it(tiny_model, tmp_path, capsys):
    epochs = _fine_tune(tiny_model, tmp_path, "--epochs", "2", "--learning-rate", "1e-2", "--batch-size", "4")
    assert epochs[0]["epoch"] == 0 and epochs[-1]["val_loss"] < epochs[0]["val_loss"] - 0.5, epochs
    assert (tmp_path / pretrained.MODEL_DIR / "config.json").is_file()
    assert "The keeper" in capsys.readouterr().out


@pytest.mark.smoke
def test_lora_trains_only_the_adapters(tiny_model, tmp_path):
    pytest.importorskip("peft", reason='LoRA needs peft: pip install -e ".[pretrained]"')
    model, _ = pretrained.load_model(tiny_model, lora=True, lora_rank=4)
    trainable = {name for name, p in model.named_parameters() if p.requires_grad}
    assert trainable and all("lora_" in name for name in trainable)
    epochs = _fine_tune(tiny_model, tmp_path, "--epochs", "2", "--learning-rate", "1e-2", "--lora", "--lora-rank", "4")
    assert epochs[-1]["val_loss"] < epochs[0]["val_loss"]
    assert (tmp_path / pretrained.MODEL_DIR / "adapter_config.json").is_file()


@pytest.mark.network
def test_fine_tunes_a_hub_model(tmp_path):
    if not hub_reachable():
        pytest.skip("the Hugging Face Hub is not reachable (offline)")
    epochs = _fine_tune(HUB_MODEL, tmp_path, "--epochs", "2", "--learning-rate", "1e-3", "--batch-size", "4")
    assert all(row["val_loss"] == row["val_loss"] for row in epochs)  # finite, not nan
    assert epochs[-1]["val_loss"] <= epochs[0]["val_loss"]
{%- endraw %}
