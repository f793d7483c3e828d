"""The optional pretrained path (pretrained.py): fine-tuning lowers the validation loss, saves the best model and
continues a prompt. Skipped when keras-hub is not installed (pip uninstall -y tensorflow-cpu, then
pip install -e ".[pretrained]"); the preset test also when Kaggle (where presets live) cannot be reached. A tiny
GPT-2 built here (random weights, a tokenizer trained on the corpus) checks the code offline."""
{% raw %}
import json
import os
import socket

import pytest
{% endraw %}
from {{ cookiecutter.package }} import metrics, pretrained, sources
{% raw %}
pytest.importorskip("keras_hub", reason='the pretrained path needs keras-hub: pip install -e ".[pretrained]"')

PRESET = "gpt2_base_en"  # the default preset (124M parameters, about 500 MB)


def kaggle_reachable() -> bool:
    if os.environ.get("KAGGLEHUB_OFFLINE") or os.environ.get("HF_HUB_OFFLINE"):
        return False
    try:
        socket.create_connection(("www.kaggle.com", 443), timeout=3).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def tiny_preset(tmp_path_factory):
    """A save_to_preset folder: a one-layer GPT-2 with random weights and a byte-level BPE tokenizer trained on
    the built-in corpus (no download)."""
    import keras_hub
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=400, special_tokens=["<|endoftext|>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    bpe.train_from_iterator([sources.CORPUS.read_text(encoding="utf-8")], trainer)
    model = json.loads(bpe.to_str())["model"]
    merges = [m if isinstance(m, str) else " ".join(m) for m in model["merges"]]
    tokenizer = keras_hub.models.GPT2Tokenizer(vocabulary=model["vocab"], merges=merges)
    backbone = keras_hub.models.GPT2Backbone(
        vocabulary_size=tokenizer.vocabulary_size(), num_layers=1, num_heads=2, hidden_dim=32, intermediate_dim=64,
        max_sequence_length=64,
    )  # fmt: skip
    preprocessor = keras_hub.models.GPT2CausalLMPreprocessor(tokenizer, sequence_length=32)
    folder = tmp_path_factory.mktemp("tiny-gpt2")
    keras_hub.models.GPT2CausalLM(backbone=backbone, preprocessor=preprocessor).save_to_preset(str(folder))
    return str(folder)


def _fine_tune(preset: str, out, *extra: str) -> list[dict]:
    argv = ["--preset", preset, "--output-dir", str(out), "--context", "32", "--prompt", "The keeper", *extra]
    assert pretrained.main(argv) == 0
    return [row for row in metrics.read_metrics(out) if "split" not in row]


@pytest.mark.smoke
def test_fine_tuning_a_local_preset_lowers_the_validation_loss_and_saves_it(tiny_preset, tmp_path, capsys):
    epochs = _fine_tune(tiny_preset, tmp_path, "--epochs", "2", "--learning-rate", "1e-2", "--batch-size", "4")
    assert epochs[0]["epoch"] == 0 and epochs[-1]["val_loss"] < epochs[0]["val_loss"] - 0.5, epochs
    assert (tmp_path / pretrained.MODEL_DIR / "config.json").is_file()
    assert "The keeper" in capsys.readouterr().out


@pytest.mark.smoke
def test_lora_trains_only_the_adapters(tiny_preset, tmp_path):
    causal_lm = pretrained.load_model(tiny_preset, 32, lora=True, lora_rank=4)
    trainable = [w.path for w in causal_lm.backbone.trainable_weights]
    # LoRA freezes every kernel and adds low-rank ones to the attention's query and value (their biases still train).
    assert any("lora" in path for path in trainable), trainable
    assert all(path.split("/")[-2] in ("query", "value") for path in trainable), trainable
    epochs = _fine_tune(tiny_preset, tmp_path, "--epochs", "2", "--learning-rate", "1e-2", "--lora", "--lora-rank", "4")
    assert epochs[-1]["val_loss"] < epochs[0]["val_loss"]


@pytest.mark.network
def test_fine_tunes_the_default_preset(tmp_path):
    if not kaggle_reachable():
        pytest.skip("Kaggle, where KerasHub presets live, is not reachable (offline)")
    epochs = _fine_tune(PRESET, tmp_path, "--epochs", "1", "--batch-size", "2")
    assert all(row["val_loss"] == row["val_loss"] for row in epochs)  # finite, not nan
    assert epochs[-1]["val_loss"] <= epochs[0]["val_loss"]
{%- endraw %}
