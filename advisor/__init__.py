"""advisor: choose PyTorch or TensorFlow for a deep-learning project, then generate it.

Where things live (the pipeline: answers -> facts -> evaluation -> recommendation -> plan -> tree -> report):
  decide/    questions, conditions, rules, answers, the engine (scores, trace, flips), JSON serialisation
  catalog.py the catalogue of facts (hardware, installs, tasks, formats, deploy targets, scales)
  project/   a project's life: settings, plan, render, record (.advisor/answers.yaml), create, smoke
  machine/   this machine: detection, framework probes, install commands, verdicts, doctor
  ui/        presentation only: rich and JSON views, the wizard's prompts
  cli/       the typer commands; cli.main is the one place that maps errors to exit codes
"""

__version__ = "0.3.0"
