"""`doctor DIR` without the CLI: reading a generated project's target from its record, and checking it."""

import pytest
from machine_fakes import SMI_TWO_GPUS, TORCH_CPU, by_level

from advisor.errors import InputError
from advisor.machine import doctor
from advisor.machine.project_check import ProjectTarget, check_project, read_project
from advisor.project.record import ProjectRecord, write_record


def write_answers(directory, text: str):
    (directory / ".advisor").mkdir(parents=True, exist_ok=True)
    (directory / ".advisor" / "answers.yaml").write_text(text)
    return directory


def test_read_project_finds_the_framework_when_answers_say_auto(tmp_path):
    project = write_answers(tmp_path / "p", 'hardware: "amd"\nframework: "auto"\n')
    (project / "pyproject.toml").write_text('[project]\nname = "p"\ndependencies = ["keras>=3.8", "numpy"]\n')
    assert read_project(project) == ProjectTarget(str(project), "tensorflow", "amd", "linux")
    (project / "pyproject.toml").unlink()
    with pytest.raises(InputError, match="cannot tell"):
        read_project(project)


def test_read_project_reads_a_version_2_record(tmp_path):
    answers = {"task": "vision", "hardware": "nvidia", "os": "windows"}
    record = ProjectRecord("p", "d", "pytorch", "recommended", "pytorch", answers, defaulted=("task",))
    write_record(tmp_path, record)
    assert read_project(tmp_path) == ProjectTarget(str(tmp_path), "pytorch", "nvidia", "windows")


def test_absent_hardware_and_os_take_the_questionnaires_defaults(tmp_path):
    write_answers(tmp_path, 'framework: "pytorch"\n')
    assert read_project(tmp_path) == ProjectTarget(str(tmp_path), "pytorch", "cpu", "linux")


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (None, "is not a generated project"),
        ("hardware: [unclosed\n", "is not valid YAML"),
        ('framework: "pytorch"\nhardware: quantum\n', "hardware: 'quantum' is not one of"),
        ('framework: "pytorch"\nos: beos\n', "os: 'beos' is not one of"),
        ("hardware: quantum\n", "cannot tell the project's framework"),  # no framework, no pyproject
        ("- a list\n", "must be a mapping"),
    ],
)
def test_a_bad_dir_is_an_input_error_before_any_probing(tmp_path, monkeypatch, answers, expected):
    monkeypatch.setattr(doctor, "detect_machine", lambda **_: pytest.fail("probed the machine"))
    if answers is not None:
        write_answers(tmp_path, answers)
    with pytest.raises(InputError) as raised:
        doctor.run_doctor(tmp_path)
    message = str(raised.value)
    assert message.startswith("DIR: ") and expected in message and str(tmp_path) in message
    assert "\n" not in message


def test_a_missing_dir_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="is not a directory"):
        doctor.run_doctor(tmp_path / "missing")


def test_an_nvidia_project_on_a_cpu_machine_cannot_run(fake):
    machine = fake.machine({"torch": "2.13.0+cpu"}, torch=TORCH_CPU)
    check = check_project(machine, ProjectTarget("p", "pytorch", "nvidia", "linux"))
    assert not check.ok
    [error] = by_level(check.findings, "error")
    assert error.message == (
        "project targets nvidia; no NVIDIA GPU found (nvidia-smi not found): its cuda smoke test will fail on this machine"
    )
    [info] = by_level(check.findings, "info")  # the cpu torch here would not use the target's GPU either
    assert info.fix == "pip install torch --index-url https://download.pytorch.org/whl/cu128"


def test_a_tensorflow_apple_project_trains_on_the_cpu_anyway(fake):
    check = check_project(fake.machine(), ProjectTarget("p", "tensorflow", "apple", "macos"))
    [warn_hw, warn_os] = by_level(check.findings, "warn")
    assert "TensorFlow (Keras 3) trains on the CPU there anyway" in warn_hw.message  # the catalogue's label
    assert warn_os.message == "project targets macos; this machine runs linux"
    [error] = by_level(check.findings, "error")  # TensorFlow itself is missing here
    assert error.message.startswith("the project's framework (TensorFlow (Keras 3)) is not installed")
    assert error.fix == "pip install tensorflow"


def test_a_project_for_this_machines_gpu_takes_the_framework_verdicts(fake):
    fake.tool("nvidia-smi", f"cat <<'EOF'\n{SMI_TWO_GPUS}EOF\n")
    machine = fake.machine({"torch": "2.13.0+cpu"}, torch=TORCH_CPU)
    check = check_project(machine, ProjectTarget("p", "pytorch", "nvidia", "linux"))
    assert check.findings[0].message == "project targets nvidia: NVIDIA GPU found on this machine"
    [error] = by_level(check.findings, "error")
    assert "CPU-only build" in error.message and not check.ok


def test_report_ok_means_no_project_or_a_project_without_errors(fake):
    report = doctor.run_doctor(None, python=fake.python({}))
    assert report.project is None and report.ok
    cpu_project = write_answers(fake.tmp_path / "cpu", 'framework: "pytorch"\nhardware: cpu\n')
    report = doctor.run_doctor(cpu_project, python=fake.python({}))
    # PyTorch is not installed in the fake interpreter: the project cannot run, so the report is not ok.
    assert report.project is not None and not report.project.ok and not report.ok
