"""`create_project`: the library entry behind `advisor new` and the wizard (recommend, plan, render)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor import __version__
from advisor.decide.engine import recommend
from advisor.decide.rules import RuleSet
from advisor.errors import Aborted, InputError
from advisor.files import resolved
from advisor.interrupts import deferred
from advisor.project.plan import GenerationPlan, plan_generation
from advisor.project.pristine import NO_VERSION_CONTROL, VersionControl, commit_message, record_new_project
from advisor.project.render import check_destination, render
from advisor.project.settings import ProjectSettings, check_package_name, project_settings


@dataclass(frozen=True)
class ProjectRequest:
    directory: Path
    answers: Mapping[str, str]  # validated answers the user gave; the rest take their defaults
    settings: ProjectSettings
    force: bool = False  # write into a non-empty directory, over same-named files
    recorded_framework: str | None = None  # a replayed record's recommended framework, which must not switch
    use_git: bool = True  # make DIR a repository (or record the generated state in the one it is in)


@dataclass(frozen=True)
class CreatedProject:
    path: Path
    plan: GenerationPlan
    version_control: VersionControl = NO_VERSION_CONTROL


def settings_for(
    directory: Path,
    stored: Mapping[str, Any],
    name: str | None = None,
    description: str | None = None,
    framework: str | None = None,
) -> ProjectSettings:
    """Project settings: flags first, then the answers file, then defaults (the name: DIR's name)."""
    from_dir = name is None and stored.get("name") is None
    try:
        return project_settings(
            resolved(directory, "DIR").name if from_dir else name if name is not None else stored.get("name"),
            description if description is not None else stored.get("description"),
            framework if framework is not None else stored.get("framework"),
        )
    except InputError as error:
        if from_dir and str(error).startswith("name: "):  # say where the name came from and how to choose one
            raise InputError(f"{error} (the name comes from DIR; pass --name NAME)") from None
        raise


def create_project(ruleset: RuleSet, request: ProjectRequest) -> CreatedProject:
    """Recommend, plan and render atomically; raises InputError, GenerationError or Aborted (Ctrl-C)."""
    check_destination(request.directory, request.force)
    plan = plan_generation(recommend(ruleset, request.answers), request.settings)
    check_package_name(request.settings.name, request.settings.package, plan.framework)
    recorded = request.recorded_framework
    if recorded and request.settings.framework_choice == "auto" and plan.framework != recorded:
        raise InputError(
            f"framework: the record says advisor recommended {recorded}, but these rules now recommend "
            f"{plan.framework}; pass --framework {recorded} to keep it or --framework auto to switch "
            "(a record made with --rules DIR replays with the same --rules DIR)"
        )
    try:
        placed = render(plan, request.directory, force=request.force)
    except KeyboardInterrupt:
        raise Aborted() from None
    try:
        with deferred():  # the project is complete; its first commit is quick and should not be cut in half
            version_control = record_new_project(
                placed.path, list(placed.files), request.use_git, generation_message(plan)
            )
    except KeyboardInterrupt:
        raise Aborted(f"interrupted; the project in {placed.path} is complete") from None
    return CreatedProject(placed.path, plan, version_control)


def generation_message(plan: GenerationPlan) -> str:
    """The message of a project's first commit: what made it and from which answers."""
    answers = ", ".join(f"{key}={value}" for key, value in plan.recommendation.facts.answers.items())
    label = plan.recommendation.label(plan.framework)
    return commit_message(
        f"Generate {plan.settings.name} with advisor {__version__}",
        f"{label} project from: {answers}\n\nThe answers and the decision: .advisor/answers.yaml, docs/DECISION.md.",
    )
