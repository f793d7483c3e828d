"""Commands that create a project: new and wizard. Both go through `create_project`."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from advisor.cli.app import (
    AnswerOption,
    AnswersFileOption,
    DescriptionOption,
    ForceOption,
    FrameworkOption,
    NameOption,
    RulesOption,
    app,
)
from advisor.errors import Aborted, InputError


@dataclass(frozen=True)
class ProjectOptions:
    """What new and wizard both take from the command line."""

    directory: Path | None
    framework: str | None
    answer_flags: tuple[str, ...]
    answers_file: Path | None
    rule_dirs: tuple[Path, ...]
    name: str | None
    description: str | None
    force: bool


@app.command()
def new(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Where to create the project.")],
    framework: FrameworkOption = None,
    answer: AnswerOption = None,
    answers: AnswersFileOption = None,
    rules: RulesOption = None,
    name: NameOption = None,
    description: DescriptionOption = None,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never prompt; unanswered questions take defaults.")
    ] = False,
    force: ForceOption = False,
) -> None:
    """Generate a ready-to-train project; on a terminal, asks what the flags did not answer."""
    from advisor.ui.wizard import NOT_A_TERMINAL

    if no_input:
        interactive = False
    elif sys.stdin.isatty():
        interactive = True
    elif answers is not None:
        interactive = False  # a script that passed an answers file: take defaults for the rest
    else:
        raise InputError(NOT_A_TERMINAL)
    options = ProjectOptions(
        directory, framework, tuple(answer or ()), answers, tuple(rules or ()), name, description, force
    )
    _create(options, interactive)


@app.command()
def wizard(
    directory: Annotated[
        Path | None, typer.Argument(metavar="[DIR]", help="Where to create the project (asked if omitted).")
    ] = None,
    framework: FrameworkOption = None,
    answer: AnswerOption = None,
    answers: AnswersFileOption = None,
    rules: RulesOption = None,
    name: NameOption = None,
    description: DescriptionOption = None,
    force: ForceOption = False,
) -> None:
    """Answer the questions interactively, see the recommendation explained, and get a project."""
    from advisor.ui.wizard import require_terminal

    require_terminal()
    options = ProjectOptions(
        directory, framework, tuple(answer or ()), answers, tuple(rules or ()), name, description, force
    )
    _create(options, interactive=True)


def _create(options: ProjectOptions, interactive: bool) -> None:
    from advisor.decide.answers import collect
    from advisor.decide.rules import load_ruleset
    from advisor.project.create import ProjectRequest, create_project, settings_for
    from advisor.project.settings import project_settings
    from advisor.ui.generated import print_generated

    ruleset = load_ruleset(options.rule_dirs)
    collected = collect(ruleset.questionnaire, options.answer_flags, options.answers_file)
    if interactive:
        from advisor.ui.wizard import run_wizard

        choices = run_wizard(
            ruleset, collected.answers, collected.settings, options.directory, options.framework,
            options.name, options.description, options.force,
        )
        settings = project_settings(choices.name, choices.description, choices.framework)
        request = ProjectRequest(choices.directory, choices.answers, settings, options.force)
    else:
        assert options.directory is not None  # `new` requires DIR
        settings = settings_for(
            options.directory, collected.settings, options.name, options.description, options.framework
        )
        # An explicit --framework (auto included) settles the framework; otherwise a replayed record's must hold.
        recorded = collected.settings.get("recorded_framework") if options.framework is None else None
        request = ProjectRequest(options.directory, collected.answers, settings, options.force, recorded)
    created = create_project(ruleset, request)
    try:
        print_generated(created)
        if interactive:
            from advisor.ui.wizard import finish_wizard

            finish_wizard(created, request.directory, request.answers)
    except KeyboardInterrupt:
        raise Aborted(f"interrupted; the project in {created.path} is complete") from None
