"""The catalogue of facts agrees with the questionnaire, cookiecutter.json and itself."""

import json

import pytest

from advisor.catalog import CatalogError, load_catalog, parse_catalog
from advisor.resources import templates_dir


def test_ids_match_the_questionnaire(ruleset):
    catalog = load_catalog()
    choices = ruleset.questionnaire.choices()
    assert tuple(catalog.frameworks) == ruleset.frameworks
    assert set(catalog.hardware) == set(choices["hardware"])
    assert set(catalog.tasks) == set(choices["task"])
    assert set(catalog.deploy) == set(choices["deploy"])
    assert set(catalog.scales) == set(choices["scale"])
    assert {(f, h) for f in catalog.frameworks for h in catalog.hardware} == set(catalog.install)


def test_cookiecutter_json_offers_the_catalogue_choices(ruleset):
    catalog = load_catalog()
    context = json.loads((templates_dir() / "project" / "cookiecutter.json").read_text())
    assert context["framework"] == list(catalog.frameworks)
    assert set(context["task"]) == set(catalog.template_tasks)
    assert context["hardware"] == list(catalog.hardware)
    assert set(context["deploy"]) == set(catalog.deploy) and set(context["scale"]) == set(catalog.scales)
    assert set(context["os"]) == set(ruleset.questionnaire.choices()["os"])


def test_every_deploy_target_exports_a_known_format_in_both_frameworks():
    catalog = load_catalog()
    for target in catalog.deploy.values():
        assert set(target.formats) == set(catalog.frameworks), target.id
        assert all(name in catalog.formats for names in target.formats.values() for name in names)


def test_project_formats_add_the_baseline_and_what_formats_are_made_from():
    catalog = load_catalog()
    assert catalog.project_formats("pytorch", "microcontroller") == ("tflite_int8", "tflm", "onnx")
    assert catalog.project_formats("tensorflow", "browser") == ("onnx", "onnx_web", "saved_model")
    assert "tfjs" in catalog.project_formats("tensorflow", "browser", browser_training=True)
    assert "tfjs" not in catalog.project_formats("pytorch", "browser", browser_training=True)
    for framework in catalog.frameworks:
        for target in catalog.deploy:
            names = catalog.project_formats(framework, target, True)
            assert all(catalog.formats[n].source in (None, *names) for n in names), (framework, target)


def test_accelerators_have_markers_and_the_cpu_none():
    catalog = load_catalog()
    assert catalog.marker("cpu") is None
    markers = [catalog.marker(h) for h in catalog.hardware if h != "cpu"]
    assert None not in markers and len(set(markers)) == len(markers)


def test_install_commands_follow_the_os():
    catalog = load_catalog()
    assert catalog.install_command("tensorflow", "cpu", "linux") == "pip install tensorflow-cpu"
    assert catalog.install_command("tensorflow", "cpu", "macos") == "pip install tensorflow"
    assert "wsl --install" in catalog.install_command("tensorflow", "nvidia", "windows")
    assert catalog.install_command("pytorch", "cpu", "macos") == "pip install torch"


def minimal(**changes):
    data = {
        "frameworks": {"pytorch": {"label": "PyTorch", "module": "torch"}},
        "hardware": {"cpu": {"label": "CPU", "marker": None}},
        "install": {"pytorch": {"cpu": {"note": "n", "command": "pip install torch"}}},
        "tasks": {"vision": {"template": "vision", "label": "v"}},
        "formats": {"onnx": {"label": "ONNX", "artifact": "m.onnx", "parity": "float", "tolerance": 1e-4,
                             "runtime": "ort", "dependencies": {"pytorch": []}}},
        "deploy": {"none": {"formats": {"pytorch": ["onnx"]}}},
        "baseline_formats": {"pytorch": "onnx"},
        "scales": {"single": {"keeps": []}},
    }
    data.update(changes)
    return data


def test_a_minimal_catalogue_parses():
    assert parse_catalog(minimal()).install_command("pytorch", "cpu", "linux") == "pip install torch"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"formats": {"onnx": {"label": "x", "artifact": "a", "parity": "float", "tolerance": 0, "runtime": "r",
                               "dependencies": {"pytorch": []}}}}, "formats.onnx.tolerance"),
        ({"formats": {"onnx": {"label": "x", "artifact": "a", "parity": "close", "tolerance": 1, "runtime": "r",
                               "dependencies": {"pytorch": []}}}}, "formats.onnx.parity"),
        ({"formats": {"onnx": {"label": "x", "artifact": "a", "parity": "none", "tolerance": 0, "runtime": "r",
                               "dependencies": {"pytorch": []}, "source": "tflite"}}}, "unknown format 'tflite'"),
        ({"baseline_formats": {"pytorch": "tflite"}}, "baseline_formats.pytorch"),
        ({"deploy": {"none": {"formats": {"pytorch": ["tflite"]}}}}, "unknown format 'tflite'"),
        ({"install": {"pytorch": {}}}, "install.pytorch.cpu"),
        ({"hardware": {"cpu": {"marker": None}}}, "hardware.cpu.label"),
        ({"scales": {"single": {"keeps": "x"}}}, "scales.single.keeps"),
    ],
)
def test_a_broken_catalogue_names_the_entry(changes, message):
    with pytest.raises(CatalogError, match=message):
        parse_catalog(minimal(**changes))


def test_every_hardware_says_how_torchrun_counts_its_devices():
    import yaml

    from advisor.resources import catalog_path

    raw = yaml.safe_load(catalog_path().read_text())
    allowed = {"cpu", "gpu", "xpu", "auto"}
    for hardware, entry in raw["hardware"].items():
        value = str(entry.get("torchrun_processes"))
        assert value in allowed or value.isdigit(), (hardware, value)
