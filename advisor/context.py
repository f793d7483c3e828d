"""From a recommendation and project settings to the template's context (docs/template-contract.md)."""

from dataclasses import dataclass

from advisor import __version__
from advisor.engine import Recommendation
from advisor.errors import InputError
from advisor.project import ProjectSettings

# The template has three task families; other tasks start from the closest one, and say so.
TEMPLATE_TASKS = {
    "vision": ("vision", ""),
    "nlp": ("nlp", ""),
    "tabular": ("tabular", ""),
    "llm": ("nlp", "advisor has no LLM template yet: this project starts from the nlp template (a small "
            "transformer text classifier); swap model.py for your LLM and keep the tests."),
    "generative": ("vision", "advisor has no generative template yet: this project starts from the vision "
                   "template (an image classifier); replace model.py and the loss with your generative model."),
    "audio": ("tabular", "advisor has no audio template yet: this project starts from the tabular template "
              "(fixed-length feature vectors, e.g. MFCC features); replace data and model as needed."),
    "rl": ("tabular", "advisor has no reinforcement-learning template yet: this project starts from the tabular "
           "template (an MLP on feature vectors), a starting point for a policy network."),
    "other": ("tabular", "this project starts from the tabular template (an MLP on feature vectors)."),
}


@dataclass(frozen=True)
class GenerationPlan:
    framework: str
    settings: ProjectSettings
    recommendation: Recommendation
    context: dict  # extra_context for cookiecutter

    @property
    def override(self) -> bool:
        return self.context["_advisor"]["override"]


def plan_generation(rec: Recommendation, settings: ProjectSettings) -> GenerationPlan:
    if settings.framework_choice == "auto":
        if rec.framework is None:
            raise InputError(
                "framework: every framework is ruled out for these answers; pass --framework pytorch|tensorflow"
            )
        framework = rec.framework
    else:
        framework = settings.framework_choice
    answers = rec.facts.answers
    template_task, task_note = TEMPLATE_TASKS[answers["task"]]
    override = settings.framework_choice != "auto" and framework != rec.framework
    advisor_data = {
        "generated_by": f"advisor {__version__}",
        "project_name": settings.name,
        "description": settings.description,
        "ruleset_version": rec.ruleset_version,
        "framework_choice": settings.framework_choice,
        "recommended": rec.framework or "",
        "override": override,
        "answers": dict(answers),
        "defaulted": list(rec.facts.defaulted),
        "scores": dict(rec.scores),
        "margin": rec.margin,
        "confidence": rec.confidence,
        "reasons": [
            {"rule": r.rule, "framework": r.framework, "weight": r.weight, "reason": r.reason, "source": r.source}
            for r in rec.reasons
        ],
        "caveats": list(rec.caveats),
        "flips": [flip.text for flip in rec.flips],
        "task_note": task_note,
    }
    context = {
        "_advisor": advisor_data,
        # User text reaches the files through `_advisor`, which cookiecutter never renders as Jinja:
        # these two values are fixed expressions that print it verbatim.
        "project_name": "{{ cookiecutter._advisor.project_name }}",
        "description": "{{ cookiecutter._advisor.description }}",
        "project_slug": settings.slug,
        "package": settings.package,
        "framework": framework,
        "task": template_task,
        "hardware": answers["hardware"],
        "os": answers["os"],
        "scale": answers["scale"],
        "deploy": answers["deploy"],
    }
    return GenerationPlan(framework, settings, rec, context)
