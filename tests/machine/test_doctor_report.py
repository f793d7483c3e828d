"""The doctor views without the CLI: the JSON document and the rich report of a DoctorReport."""

import json

from machine_fakes import SMI_TWO_GPUS, TORCH_CPU

from advisor.machine.doctor import DoctorReport, run_doctor
from advisor.machine.project_check import ProjectTarget, check_project
from advisor.machine.verdicts import diagnose
from advisor.ui.doctor import doctor_dict, print_doctor


def report_for(fake, target: ProjectTarget | None = None) -> DoctorReport:
    fake.tool("nvidia-smi", f"cat <<'EOF'\n{SMI_TWO_GPUS}EOF\n")
    machine = fake.machine({"torch": "2.13.0+cpu"}, torch=TORCH_CPU)
    project = check_project(machine, target) if target else None
    return DoctorReport(machine, tuple(diagnose(machine)), project)


def test_doctor_dict_is_the_json_document(fake):
    report = report_for(fake, ProjectTarget("p", "pytorch", "nvidia", "linux"))
    data = json.loads(json.dumps(doctor_dict(report)))
    assert set(data) == {"machine", "suggested_answers", "distributions", "frameworks", "findings", "project"}
    assert set(data["machine"]) == {"os", "python", "cpu", "gpus", "tools", "pci", "apple_silicon", "tpu", "hardware"}
    assert data["machine"]["hardware"] == ["nvidia", "cpu"] and data["suggested_answers"]["hardware"] == "nvidia"
    assert data["machine"]["tools"][0] == {
        "tool": "nvidia-smi", "path": str(fake.bin / "nvidia-smi"), "error": None, "found": True, "ok": True
    }
    assert data["distributions"] == {"torch": "2.13.0+cpu"}
    [torch] = data["frameworks"]
    assert torch["name"] == "torch" and torch["build"] == "cpu" and torch["probed"] and torch["sees"] == []
    assert all(set(f) == {"level", "message", "fix"} for f in data["findings"])
    project = data["project"]
    assert set(project) == {
        "path", "framework", "hardware", "os", "deploy", "browser_training", "ok", "findings", "export"
    } and project["ok"] is False
    assert project["deploy"] == "none" and project["export"]["deploy"] == "none"  # test_export_check has the rest


def test_doctor_dict_without_a_project(fake):
    assert doctor_dict(run_doctor(None, python=fake.python({})))["project"] is None


def test_print_doctor_shows_the_machine_findings_and_the_project(fake, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    print_doctor(report_for(fake, ProjectTarget("p", "pytorch", "nvidia", "linux")))
    out = capsys.readouterr().out
    assert "advisor doctor" in out and "Findings" in out
    assert "NVIDIA GPU" in out and "NVIDIA RTX A6000, driver 550.54.15, arch 8.6, 49140 MiB" in out
    assert "Project p: PyTorch, targets nvidia on linux" in out
    assert "this machine cannot run it as it is" in out
    # Fix commands are printed whole, on their own line, to be copied as they are.
    assert "\n        pip uninstall -y torch && pip install torch --index-url https://download.pytorch.org/whl/cu128\n" in out
