"""TPU projects document their framework's TPU path (catalog.yaml `hardware.<id>.readme` ->
templates/<framework>/hardware/<id>.md): Keras projects the JAX backend and where Keras' distribution API
works, PyTorch projects torch_xla's launch and its transition to TorchTPU. Other hardware carries neither.

Keras projects on TPU or at a model-parallel scale (catalog.yaml `jax_backend`) also document and test Keras'
JAX backend (templates/common/readme_jax_backend.md, test_trains_on_the_jax_backend): what runs on it, what
needs TensorFlow."""

from pathlib import Path

import pytest
import yaml

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "project"
CATALOG = yaml.safe_load((TEMPLATE / "catalog.yaml").read_text(encoding="utf-8"))
PARTIALS = TEMPLATE / "templates"

# What each framework's TPU section must say (the facts and the links a reader checks them with).
KERAS_TPU = (
    "KERAS_BACKEND=jax",
    'pip install -U "jax[tpu]" keras',
    "https://docs.jax.dev/en/latest/installation.html",
    "https://cloud.google.com/tpu/docs/jax-quickstart-tpu-vm",
    "https://keras.io/guides/distribution/",
    "`DeviceMesh`",
    "`LayoutMap`",
    "`DataParallel`",
    "`ModelParallel`",
    "implemented\nfor the JAX backend only",
    "keras/src/backend/tensorflow/distribution_lib.py",
    "`tf.distribute.TPUStrategy`",
    "python -m my_dl_project.train --device tpu",
    "python -m my_dl_project.train --device tpu --output-dir runs/tpu-jax",
    "**Exports stay on TensorFlow.**",
)
# What the JAX backend section says wherever it is rendered (non-RL starters).
KERAS_JAX = (
    "## The JAX backend",
    "KERAS_BACKEND=jax python -m my_dl_project.train --output-dir runs/jax",
    "KERAS_BACKEND=jax python -m my_dl_project.evaluate --output-dir runs/jax --json",
    "| `python -m my_dl_project.export` | needs TensorFlow: it stops with one line naming `KERAS_BACKEND`",
    "keras.distribution.DataParallel",
    "keras.distribution.ModelParallel(layout_map=layout, batch_dim_name=\"batch\")",
    "keras.distribution.initialize()",
    "`test_trains_on_the_jax_backend`",
    "each epoch leaves out its last, partial batch",
    "**Exports stay on TensorFlow.**",
)
# What the README must no longer claim: the project's train runs on JAX now.
STALE = ("do not run on another backend", "a JAX run needs its own short loop")
JAX_TEST = "def test_trains_on_the_jax_backend("
TORCH_TPU = (
    "torch_xla",
    "export PJRT_DEVICE=TPU",
    "python -m my_dl_project.train --device tpu",
    "https://docs.pytorch.org/xla/",
    "https://github.com/pytorch/xla/issues/9752",
    "https://github.com/huggingface/transformers/pull/45918",
    "https://docs.cloud.google.com/tpu/docs/pytorch-on-tpu",
    "pip install torch_tpu",
    "**PyTorch on TPU is in transition**",
)
# Lines only a TPU section writes (the install table of any project lists every hardware's command).
TPU_ONLY = ("## Cloud TPU", "KERAS_BACKEND", "keras.io/guides/distribution", "PJRT_DEVICE", "pytorch/xla/issues/9752")


def render_project(out: Path, **context: str) -> Path:
    """The root of a plain-cookiecutter render."""
    from cookiecutter.main import cookiecutter

    config = out / "cookiecutter-config.yaml"  # keep cookiecutter's replay files out of the home directory
    out.mkdir(parents=True, exist_ok=True)
    config.write_text(f"cookiecutters_dir: {out / 'cache'}\nreplay_dir: {out / 'replay'}\n", encoding="utf-8")
    root = cookiecutter(str(TEMPLATE), no_input=True, extra_context=context, output_dir=str(out / "projects"),
                        config_file=str(config))
    return Path(root)


def render(out: Path, **context: str) -> str:
    """The README of a plain-cookiecutter render."""
    return (render_project(out, **context) / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def readmes(tmp_path_factory) -> dict[tuple[str, str], str]:
    root = tmp_path_factory.mktemp("tpu")
    cases = [("tensorflow", "tpu"), ("pytorch", "tpu"), ("tensorflow", "nvidia"), ("pytorch", "cpu")]
    return {
        (framework, hardware): render(root / f"{framework}-{hardware}", framework=framework, hardware=hardware,
                                      task="vision", deploy="server")
        for framework, hardware in cases
    }


def test_hardware_sections_come_from_the_catalogue_with_a_partial_per_framework():
    with_section = {key for key, entry in CATALOG["hardware"].items() if entry.get("readme")}
    assert "tpu" in with_section
    for framework in CATALOG["frameworks"]:
        partials = {path.stem for path in (PARTIALS / framework / "hardware").glob("*.md")}
        assert partials == with_section, framework


def test_keras_tpu_project_documents_the_jax_backend_and_its_caveats(readmes):
    readme = readmes["tensorflow", "tpu"]
    assert [fact for fact in KERAS_TPU if fact not in readme] == []
    assert readme.count("## Cloud TPU") == 1
    assert readme.index("## Cloud TPU") < readme.index("## Deploy")
    # The export caveat names this project's own formats (server: SavedModel and ONNX).
    assert "This project's exporters (saved_model, onnx)" in readme
    assert "PJRT_DEVICE" not in readme and "torch_tpu" not in readme
    assert [fact for fact in KERAS_JAX if fact not in readme] == []
    assert readme.index("## Cloud TPU") < readme.index("## The JAX backend") < readme.index("## Deploy")
    assert 'pip install -U "jax[tpu]"' in readme.split("## The JAX backend")[1]
    assert [claim for claim in STALE if claim in readme] == []
    assert "\n\n\n## The JAX backend" not in readme and "\n\n\n## Deploy" not in readme


def test_pytorch_tpu_project_documents_torch_xla_and_the_torch_tpu_transition(readmes):
    readme = readmes["pytorch", "tpu"]
    assert [fact for fact in TORCH_TPU if fact not in readme] == []
    assert "## The JAX backend" not in readme
    assert readme.count("## Cloud TPU") == 1
    assert readme.index("## Cloud TPU") < readme.index("## Deploy")
    assert "KERAS_BACKEND" not in readme and "keras.distribution" not in readme


@pytest.mark.parametrize("case", [("tensorflow", "nvidia"), ("pytorch", "cpu")])
def test_other_hardware_carries_no_tpu_section(readmes, case):
    readme = readmes[case]
    assert [line for line in TPU_ONLY if line in readme] == []
    assert "\n\n\n## Deploy" not in readme  # no blank lines left where the section would be


def test_the_jax_backend_entry_names_known_hardware_and_scales():
    entry = CATALOG["jax_backend"]
    assert set(entry["hardware"]) <= set(CATALOG["hardware"]) and "tpu" in entry["hardware"]
    assert set(entry["scales"]) <= set(CATALOG["scales"]) and "multi-node" in entry["scales"]
    assert all(isinstance(dependency, str) and dependency.startswith("jax") for dependency in entry["dependencies"])


# (framework, hardware, scale, task) -> does the project document and test the JAX backend?
JAX_CASES = [
    (("tensorflow", "tpu", "single", "vision"), True),
    (("tensorflow", "nvidia", "multi-node", "tabular"), True),
    (("tensorflow", "nvidia", "multi-gpu", "llm"), True),  # multi-gpu counts: sharding needs ModelParallel too
    (("tensorflow", "nvidia", "single", "vision"), False),
    (("tensorflow", "cpu", "multi-gpu", "rl"), False),  # one-process starter: no launcher, nothing to shard
    (("pytorch", "nvidia", "multi-node", "vision"), False),
    (("pytorch", "tpu", "single", "vision"), False),
]


@pytest.mark.parametrize("case, documented", JAX_CASES, ids=lambda value: "-".join(value) if isinstance(value, tuple) else str(value))
def test_keras_projects_at_model_parallel_scale_document_and_test_the_jax_backend(tmp_path, case, documented):
    framework, hardware, scale, task = case
    root = render_project(tmp_path, framework=framework, hardware=hardware, scale=scale, task=task, deploy="server")
    readme = (root / "README.md").read_text(encoding="utf-8")
    tests = (root / "tests" / "test_training.py").read_text(encoding="utf-8")
    assert ("## The JAX backend" in readme) == documented
    assert (JAX_TEST in tests) == documented
    if documented:
        assert [fact for fact in KERAS_JAX if fact not in readme] == []
        assert ("## Cloud TPU" in readme) == (hardware == "tpu")
        if hardware != "tpu":
            assert "`MirroredStrategy`" in readme.split("## The JAX backend")[1]
            assert 'pip install -U "jax[cuda12]"' in readme
        assert "\n\n\n## The JAX backend" not in readme and "\n\n\n## Deploy" not in readme


def test_the_reinforcement_learning_starter_on_tpu_says_it_needs_tensorflow(tmp_path):
    root = render_project(tmp_path, framework="tensorflow", hardware="tpu", task="rl", deploy="server")
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The JAX backend")[1].split("## Deploy")[0]
    assert "**This starter needs the TensorFlow backend.**" in section
    assert "KERAS_BACKEND=jax python -m" not in readme  # nothing claims its train runs on JAX
    assert "runs/tpu-jax" not in readme
    assert JAX_TEST not in (root / "tests" / "test_training.py").read_text(encoding="utf-8")
