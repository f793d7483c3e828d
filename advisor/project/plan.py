"""From a recommendation and project settings to a typed generation plan, and from the plan to the
template's context (templates/project/README.md) and the project record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from advisor import __version__
from advisor.catalog import Catalog, TaskFacts, load_catalog
from advisor.decide.engine import Recommendation
from advisor.decide.serialize import reason_dict
from advisor.errors import InputError
from advisor.project.record import FrameworkSource, ProjectRecord
from advisor.project.settings import ProjectSettings


@dataclass(frozen=True)
class GenerationPlan:
    framework: str  # the framework the project uses
    settings: ProjectSettings
    recommendation: Recommendation
    template_task: str  # the template task folder the project starts from
    task_note: str  # set when the task has no template of its own
    hardware: str
    os: str
    scale: str
    deploy: str
    browser_training: str = "no"  # "yes" adds the browser-training export (deploy=browser)
    export_gaps: tuple[str, ...] = ()  # default export formats that cannot hold this task's model, and why
    pretrained: str = "no"  # "yes" keeps the task's optional pretrained-model path (llm)

    @property
    def override(self) -> bool:
        """The user picked a framework other than the one advisor recommended."""
        return self.settings.framework_choice != "auto" and self.framework != self.recommendation.framework

    @property
    def framework_source(self) -> FrameworkSource:
        return "recommended" if self.settings.framework_choice == "auto" else "user"

    def context(self) -> dict[str, Any]:
        """extra_context for cookiecutter; a fresh dict each time, so nothing can edit the plan."""
        rec = self.recommendation
        advisor_data = {
            "generated_by": f"advisor {__version__}",
            "project_name": self.settings.name,
            "description": self.settings.description,
            "ruleset_version": rec.ruleset_version,
            "framework_choice": self.settings.framework_choice,
            "recommended": rec.framework or "",
            "override": self.override,
            "answers": dict(rec.facts.answers),
            "defaulted": list(rec.facts.defaulted),
            "scores": dict(rec.scores),
            "margin": rec.margin,
            "confidence": rec.confidence,
            "tie": rec.tie.text if rec.tie is not None else "",
            "reasons": [reason_dict(reason) for reason in rec.reasons],
            "caveats": list(rec.caveats),
            "flips": [flip.text for flip in rec.flips],
            "task_note": self.task_note,
        }
        return {
            "_advisor": advisor_data,
            # User text reaches the files through `_advisor`, which cookiecutter never renders as Jinja:
            # these two values are fixed expressions that print it verbatim.
            "project_name": "{{ cookiecutter._advisor.project_name }}",
            "description": "{{ cookiecutter._advisor.description }}",
            "project_slug": self.settings.slug,
            "package": self.settings.package,
            "framework": self.framework,
            "task": self.template_task,
            "hardware": self.hardware,
            "os": self.os,
            "scale": self.scale,
            "deploy": self.deploy,
            "browser_training": self.browser_training,
            "pretrained": self.pretrained,
        }

    def record(self, template_digest: str) -> ProjectRecord:
        rec = self.recommendation
        return ProjectRecord(
            name=self.settings.name,
            description=self.settings.description,
            framework=self.framework,
            framework_source=self.framework_source,
            recommended=rec.framework,
            answers=dict(rec.facts.answers),
            defaulted=tuple(rec.facts.defaulted),
            advisor_version=__version__,
            template_digest=template_digest,
            ruleset_version=rec.ruleset_version,
        )


def _task_note(task: TaskFacts, scale: str) -> str:
    if task.single_process and scale != "single":
        launch = f"the {task.label} starter trains in one process, so scale={scale} keeps no multi-device launcher"
        return f"{task.note} {launch}".strip()
    return task.note


def plan_generation(rec: Recommendation, settings: ProjectSettings, catalog: Catalog | None = None) -> GenerationPlan:
    catalog = catalog or load_catalog()
    if settings.framework_choice == "auto":
        if rec.framework is None:
            raise InputError(
                "framework: every framework is ruled out for these answers; pass --framework pytorch|tensorflow"
            )
        framework = rec.framework
    else:
        framework = settings.framework_choice
    answers = rec.facts.answers
    task = catalog.tasks[answers["task"]]
    # Asked only for deploy=browser; any other target trains nowhere but on the training machine.
    browser_training = answers["deploy"] == "browser" and answers.get("browser_training") == "yes"
    return GenerationPlan(
        framework=framework,
        settings=settings,
        recommendation=rec,
        template_task=task.template,
        task_note=_task_note(task, answers["scale"]),
        hardware=answers["hardware"],
        os=answers["os"],
        scale=answers["scale"],
        deploy=answers["deploy"],
        browser_training="yes" if browser_training else "no",
        export_gaps=tuple(catalog.export_gaps(framework, answers["deploy"], task.template, browser_training)),
        pretrained="yes" if answers.get("pretrained") == "yes" else "no",
    )
