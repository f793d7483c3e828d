"""`doctor DIR`'s export toolchain: the target's formats, their packages (metadata and find_spec, never an
import) in the checked interpreter, their executables on PATH, and the fix for each missing piece."""

import dataclasses
import json
import re
import sys

import pytest
from machine_fakes import TORCH_CPU, by_level, write_exe

from advisor.catalog import load_catalog
from advisor.errors import InputError
from advisor.machine.doctor import DoctorReport
from advisor.machine.export_check import (
    TOOLS,
    check_export,
    distribution_facts,
    parse_requirement,
    pip_fix,
    tool_fix,
    version_satisfies,
)
from advisor.machine.project_check import ProjectTarget, check_project, read_project
from advisor.machine.verdicts import diagnose
from advisor.project.record import ProjectRecord, write_record
from advisor.ui.doctor import doctor_dict, print_doctor

PIP_FIX = 'cd p && pip install -e ".[export]"'
CATALOG = load_catalog()
TARGETS = [(framework, deploy) for deploy in CATALOG.deploy for framework in CATALOG.frameworks]


def on(machine, system="linux", arch="x86_64"):
    """The same machine, seen as another OS or architecture."""
    return dataclasses.replace(machine, os=dataclasses.replace(machine.os, system=system, machine=arch))


def installed(*requirements: str, importable: bool = True) -> dict:
    """The modules probe's answer for these requirements, each installed at its lowest allowed version."""
    answer = {}
    for text in requirements:
        name, specifier = parse_requirement(text)
        first = specifier.split(",")[0]
        version = first.lstrip("=>") if first.startswith(("==", ">=")) else "1.0"
        answer[name] = {"version": version, "importable": importable}
    return answer


def everything(framework: str) -> dict:
    return installed(*{r for f in CATALOG.formats.values() for r in f.dependencies.get(framework, ())})


# --- requirements and versions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("onnx>=1.17", ("onnx", ">=1.17")),
        ("tf2onnx==1.17.0", ("tf2onnx", "==1.17.0")),
        ("torch>=2.13,<2.14", ("torch", ">=2.13,<2.14")),
        ("litert-torch==0.10.0", ("litert-torch", "==0.10.0")),
        ("pkg[extra] >= 1 ; python_version < '3.12'", ("pkg", ">= 1")),
        ("coremltools", ("coremltools", "")),
    ],
)
def test_parse_requirement(text, expected):
    assert parse_requirement(text) == expected


@pytest.mark.parametrize(
    ("version", "specifier", "expected"),
    [
        ("2.13.0+cpu", ">=2.13,<2.14", True),  # a local build still meets the pairing
        ("2.14.0", ">=2.13,<2.14", False),
        ("1.5.1", "==1.4.1", False),
        ("0.dev20261023182759", "==0.dev20261023182759", True),  # an exact pre-release pin
        ("1.0", "", True),
        ("not a version", ">=1", None),
    ],
)
def test_version_satisfies(version, specifier, expected):
    assert version_satisfies(version, specifier) is expected


def test_every_catalogue_tool_has_facts_and_a_fix(fake):
    """A tool the catalogue adds must come with what it is for and how to install it."""
    machine = fake.machine()
    tools = {tool for facts in CATALOG.formats.values() for tool in facts.tools}
    assert tools <= set(TOOLS)
    for tool in tools:
        for system in ("linux", "macos", "windows"):
            assert tool_fix(tool, on(machine, system)), (tool, system)


# --- packages: in this process and in another interpreter -----------------------------------------


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A folder of fake installed distributions on sys.path (and PYTHONPATH, for child interpreters).

    expfake's module raises when imported: find_spec must locate it without running it.
    """
    root = tmp_path / "site"

    def dist(name, version, top_level=None, module=None, body=""):
        info = root / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        if top_level:
            (info / "top_level.txt").write_text(top_level + "\n")
        if module:
            (root / module).mkdir()
            (root / module / "__init__.py").write_text(body)

    dist("expfake", "1.2.3", module="expfake", body="raise RuntimeError('imported by doctor')\n")
    dist("exp-other-name", "4.5", top_level="expothermod", module="expothermod")
    dist("exp-broken", "0.1")  # metadata left behind, module gone
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.setenv("PYTHONPATH", str(root))
    return root


NAMES = ["expfake", "exp-other-name", "exp-broken", "exp-not-installed"]
EXPECTED = {"expfake": ("1.2.3", True), "exp-other-name": ("4.5", True), "exp-broken": ("0.1", False)}


def test_distribution_facts_in_this_process_import_nothing(site):
    assert distribution_facts(NAMES) == (EXPECTED, None)
    assert "expfake" not in sys.modules and "expothermod" not in sys.modules


def test_distribution_facts_agree_in_another_interpreter(site, tmp_path):
    other = write_exe(tmp_path / "python", f'exec "{sys.executable}" "$@"\n')  # the probe runs in a child
    assert distribution_facts(NAMES, str(other)) == (EXPECTED, None)


def test_an_interpreter_that_cannot_answer_is_an_error_not_missing_packages(tmp_path):
    facts, error = distribution_facts(["onnx"], str(tmp_path / "no-such-python"))
    assert facts == {} and error.startswith("cannot run:")


# --- the toolchain of each target -----------------------------------------------------------------


@pytest.mark.parametrize(("framework", "deploy"), TARGETS)
def test_every_target_reports_its_formats_packages_and_tools(fake, framework, deploy):
    machine = fake.machine(modules=everything(framework))
    export = check_export(machine, "p", framework, deploy)
    names = CATALOG.project_formats(framework, deploy)
    assert [check.format for check in export.formats] == list(names)
    for check in export.formats:
        facts = CATALOG.formats[check.format]
        assert [r.requirement for r in check.requirements] == list(facts.dependencies[framework])
        assert all(r.ok for r in check.requirements), check
    tools = {tool for name in names for tool in CATALOG.formats[name].tools}
    assert {t.tool for t in export.tools} == tools
    # Every package installed: the only warnings are the tools missing from this empty PATH.
    warned = {f.message.split()[0] for f in by_level(export.findings, "warn")}
    assert warned == {t for t in tools if TOOLS[t].missing_level == "warn"}
    assert export.ok is not tools


@pytest.mark.parametrize(("framework", "deploy"), [t for t in TARGETS if any(
    CATALOG.formats[n].dependencies[t[0]] for n in CATALOG.project_formats(*t))])
def test_missing_packages_are_one_warning_with_the_export_extra(fake, framework, deploy):
    export = check_export(fake.machine(), "p", framework, deploy)
    [warning] = [f for f in export.findings if f.message.startswith("export packages not installed")]
    assert warning.level == "warn" and warning.fix == PIP_FIX
    assert "\n" not in warning.message
    wanted = {parse_requirement(r)[0] for n in CATALOG.project_formats(framework, deploy)
              for r in CATALOG.formats[n].dependencies[framework]}
    assert all(name in warning.message for name in wanted)
    assert not export.ok


def test_wrong_versions_and_broken_installs_each_get_their_fix(fake):
    modules = {
        **everything("pytorch"),
        "executorch": {"version": "1.5.1", "importable": True},  # pairs with torch 2.14, not 2.13
        "onnxscript": {"version": "0.7.2", "importable": False},
    }
    modules.pop("onnxruntime")
    export = check_export(fake.machine(modules=modules), "p", "pytorch", "android")
    messages = {f.message: f for f in export.findings}
    assert messages["export packages not installed in " + export.python + ": onnxruntime (for onnx)"].fix == PIP_FIX
    assert messages["executorch 1.5.1 does not meet executorch==1.4.1 (for executorch)"].fix == PIP_FIX
    broken = messages["onnxscript 0.7.2 is installed but its module cannot be found (for onnx)"]
    assert broken.fix == 'pip install --force-reinstall "onnxscript>=0.3"'
    ready = {check.format: check.ready(export.tool_map) for check in export.formats}
    assert ready == {"executorch": False, "litert": True, "onnx": False}


def test_a_probe_that_fails_is_one_warning(fake, tmp_path):
    machine = fake.machine()
    machine = dataclasses.replace(machine, python=dataclasses.replace(machine.python, executable=str(tmp_path / "gone")))
    export = check_export(machine, "p", "pytorch", "none")
    [finding] = export.findings
    assert finding.level == "warn" and finding.message.startswith(f"cannot ask {tmp_path / 'gone'} about")
    assert not export.ok


# --- executables ----------------------------------------------------------------------------------


def test_node_and_npm_on_path_with_their_versions(fake):
    fake.tool("node", "echo v22.11.0\n")
    fake.tool("npm", "echo 10.9.0\n")
    export = check_export(fake.machine(modules=everything("tensorflow")), "p", "tensorflow", "browser", True)
    assert [c.format for c in export.formats] == ["onnx", "onnx_web", "tfjs", "saved_model"]
    tools = export.tool_map
    assert (tools["node"].version, tools["npm"].version) == ("22.11.0", "10.9.0")
    assert tools["node"].path == str(fake.bin / "node") and tools["node"].on_path
    assert f"node 22.11.0 ({fake.bin / 'node'})" in [f.message for f in by_level(export.findings, "ok")]
    assert export.ok and not by_level(export.findings, "warn")


def test_browser_training_adds_tfjs_only_to_tensorflow(fake):
    for framework, training, has_tfjs in [("tensorflow", True, True), ("tensorflow", False, False), ("pytorch", True, False)]:
        export = check_export(fake.machine(), "p", framework, "browser", training)
        assert ("tfjs" in [c.format for c in export.formats]) is has_tfjs


def test_missing_node_says_what_is_skipped_and_how_to_install_it(fake):
    export = check_export(fake.machine(modules=everything("pytorch")), "p", "pytorch", "browser")
    [node, npm] = by_level(export.findings, "warn")
    assert node.message == (
        "node not found (for onnx_web: it runs the exported model under Node.js (onnxruntime-node, @tensorflow/tfjs))"
    )
    assert node.fix == "# install Node.js LTS (it includes npm): https://nodejs.org/en/download"
    assert npm.message.startswith("npm not found (for onnx_web")
    assert tool_fix("node", on(fake.machine(), "macos")) == "brew install node"


def test_a_tool_whose_version_call_fails_is_a_warning(fake):
    fake.tool("node", "echo 'node: cannot open shared object' >&2; exit 127\n")
    export = check_export(fake.machine(), "p", "pytorch", "browser")
    [failed] = [f for f in export.findings if f.message.startswith("node at")]
    assert failed.level == "warn" and "exit 127" in failed.message


@pytest.mark.parametrize(
    ("system", "arch", "first_line"),
    [
        ("linux", "x86_64", "curl https://packages.cloud.google.com/apt/doc/apt-key.gpg | sudo apt-key add -"),
        ("linux", "aarch64", "# edgetpu_compiler runs only on x86-64 Debian-based Linux"),
        ("macos", "arm64", "# edgetpu_compiler runs only on x86-64 Debian-based Linux"),
    ],
)
def test_edgetpu_compiler_fix_is_corals_apt_repository(fake, system, arch, first_line):
    machine = on(fake.machine(modules=everything("tensorflow")), system, arch)
    export = check_export(machine, "p", "tensorflow", "coral")
    [missing] = [f for f in export.findings if f.message.startswith("edgetpu_compiler not found")]
    assert missing.level == "warn" and missing.fix.startswith(first_line)
    assert missing.fix.endswith("sudo apt-get install edgetpu-compiler")
    assert "coral-edgetpu-stable main" in missing.fix


def test_edgetpu_compiler_on_path(fake):
    fake.tool("edgetpu_compiler", "echo 'Edge TPU Compiler version 16.0.384591198'\n")
    export = check_export(fake.machine(modules=everything("pytorch")), "p", "pytorch", "coral")
    assert export.tool_map["edgetpu_compiler"].version == "16.0.384591198"
    assert export.ok


def test_trtexec_is_info_and_found_where_tensorrt_puts_it(fake):
    machine = fake.machine(modules=everything("pytorch"))
    [missing] = [f for f in check_export(machine, "p", "pytorch", "edge").findings if f.message.startswith("trtexec")]
    assert missing.level == "info"  # the engine is built on the NVIDIA device, not necessarily here
    assert "sudo apt-get install nvidia-jetpack" in missing.fix.splitlines()
    write_exe(fake.root / "usr/src/tensorrt/bin/trtexec", "exit 0\n")
    export = check_export(machine, "p", "pytorch", "edge")
    tool = export.tool_map["trtexec"]
    assert tool.found and not tool.on_path
    [info] = [f for f in export.findings if f.message.startswith("trtexec found at")]
    assert info.fix == f'export PATH="{fake.root / "usr/src/tensorrt/bin"}:$PATH"'
    assert export.ok


# --- platform limits and fixes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("framework", "deploy", "system", "expected"),
    [
        ("pytorch", "ios", "linux", ["Core ML converts here"]),
        ("tensorflow", "ios", "windows", ["Core ML converts here"]),
        ("pytorch", "ios", "macos", []),
        ("pytorch", "android", "windows", ["litert-torch supports Linux only"]),
        ("pytorch", "microcontroller", "macos", ["litert-torch supports Linux only"]),
        ("tensorflow", "microcontroller", "macos", []),
        ("pytorch", "microcontroller", "linux", []),
    ],
)
def test_platform_notes(fake, framework, deploy, system, expected):
    machine = on(fake.machine(modules=everything(framework)), system)
    export = check_export(machine, "p", framework, deploy)
    notes = [f.message for f in export.findings if f.level in ("info", "warn") and " not " not in f.message]
    assert [n for n in notes if any(n.startswith(e) for e in expected)] == notes
    assert len(notes) == len(expected)


@pytest.mark.parametrize(
    ("directory", "windows", "expected"),
    [
        ("p", False, PIP_FIX),
        ("my proj", False, "cd 'my proj' && pip install -e \".[export]\""),
        ("my proj", True, 'cd "my proj" && pip install -e ".[export]"'),
        (r"C:\work\p", True, r'cd C:\work\p && pip install -e ".[export]"'),
    ],
)
def test_pip_fix_installs_the_export_extra_from_the_project(directory, windows, expected):
    assert pip_fix(directory, windows) == expected


# --- doctor DIR: the record, the verdict, the JSON and the terminal ------------------------------


@pytest.mark.parametrize(
    ("answers", "deploy", "training"),
    [
        ({"task": "vision"}, "none", False),
        ({"deploy": "browser", "browser_training": "yes"}, "browser", True),
        ({"deploy": "browser"}, "browser", False),
        ({"deploy": "server", "browser_training": "yes"}, "server", False),  # not asked: means nothing
        ({"deploy": "coral"}, "coral", False),
    ],
)
def test_read_project_reads_the_deployment_target(tmp_path, answers, deploy, training):
    write_record(tmp_path, ProjectRecord("p", "d", "tensorflow", "user", None, answers))
    target = read_project(tmp_path)
    assert (target.deploy, target.browser_training) == (deploy, training)


def test_a_bad_deploy_answer_is_an_input_error(tmp_path):
    write_record(tmp_path, ProjectRecord("p", "d", "pytorch", "user", None, {"deploy": "moon"}))
    with pytest.raises(InputError, match="deploy: 'moon' is not one of"):
        read_project(tmp_path)


def test_a_missing_toolchain_never_fails_the_project(fake):
    machine = fake.machine({"torch": "2.13.0+cpu"}, torch=TORCH_CPU)
    check = check_project(machine, ProjectTarget("p", "pytorch", "cpu", "linux", "coral"))
    assert check.ok and check.export is not None and not check.export.ok
    assert not by_level(check.export.findings, "error")


def test_doctor_json_has_the_export_toolchain(fake):
    fake.tool("node", "echo v22.11.0\n")
    machine = fake.machine({"torch": "2.13.0+cpu"}, torch=TORCH_CPU, modules=installed("onnx>=1.17"))
    project = check_project(machine, ProjectTarget("p", "pytorch", "cpu", "linux", "browser"))
    data = json.loads(json.dumps(doctor_dict(DoctorReport(machine, tuple(diagnose(machine)), project))))
    export = data["project"]["export"]
    assert data["project"]["deploy"] == "browser" and data["project"]["browser_training"] is False
    assert set(export) == {"framework", "deploy", "browser_training", "python", "ok", "error", "formats", "tools",
                           "findings"}
    assert export["ok"] is False and export["python"] == machine.python.executable
    onnx = export["formats"][0]
    assert onnx["format"] == "onnx" and onnx["ready"] is False and onnx["tools"] == []
    assert onnx["requirements"][0] == {
        "requirement": "onnx>=1.17", "distribution": "onnx", "version": "1.17", "importable": True,
        "satisfied": True, "ok": True,
    }
    assert onnx["requirements"][1]["version"] is None and onnx["requirements"][1]["ok"] is False
    tools = {t["tool"]: t for t in export["tools"]}
    assert tools["node"]["found"] and tools["node"]["version"] == "22.11.0" and not tools["npm"]["found"]
    assert all(set(f) == {"level", "message", "fix"} for f in export["findings"])


def test_print_doctor_shows_the_toolchain_and_keeps_brackets(fake, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.setenv("NO_COLOR", "1")
    machine = fake.machine({"torch": "2.13.0+cpu"}, torch=TORCH_CPU)
    path = "odd[red]dir[/red]"  # a path rich must not read as markup
    project = check_project(on(machine, arch="x86_64"), ProjectTarget(path, "pytorch", "cpu", "linux", "coral"))
    print_doctor(DoctorReport(machine, (), project))
    out = capsys.readouterr().out
    assert f"Project {path}: PyTorch, targets cpu on linux" in out
    assert "Export toolchain for deploy=coral" in out
    assert re.search(r"\n  edgetpu +missing +edgetpu_compiler \(not found\)", out)
    assert re.search(r"\n  tflite_int8 +missing +litert-torch==0.10.0 \(not installed\), ai-edge-litert", out)
    # Fixes are printed whole, brackets and all, to be copied as they are.
    assert "\n        cd 'odd[red]dir[/red]' && pip install -e \".[export]\"\n" in out
    assert "\n        sudo apt-get install edgetpu-compiler\n" in out
