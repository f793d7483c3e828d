"""What this machine has, and whether it can train (and run a generated project). Was detect.py + doctor.py.

model.py          Machine, GPU, OSInfo, PythonInfo, CPUInfo, FrameworkInfo, ToolStatus (frozen records)
system.py         process/file plumbing (run, which, read_text under ADVISOR_DETECT_ROOT); OS, Python, CPU
accelerators.py   nvidia-smi / rocminfo / xpu-smi parsers and detectors, PCI bus, Apple silicon, TPU
frameworks.py     installed wheels and the framework probes (probes/*.py, run in a child interpreter)
detect.py         detect_machine(), suggested_answers() for the wizard (no catalogue, YAML or rich)
installs.py       install/replace commands: the catalogue's lines plus this machine's CUDA wheel and rivals
verdicts.py       Finding; machine, PyTorch and TensorFlow verdicts; diagnose()
project_check.py  read_project(DIR) from the project record; check_project()
export_check.py   the deployment target's export toolchain: packages (metadata/find_spec), tools, fixes
doctor.py         run_doctor() -> DoctorReport (no printing, no exit codes: see advisor.ui.doctor and the CLI)

Nothing in this package imports torch, tensorflow or jax, and nothing imports probes/.
"""
