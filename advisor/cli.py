"""The command line: a thin typer layer over the library; `main` maps domain errors to exit codes."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from advisor import __version__
from advisor.errors import AdvisorError, Aborted, InputError, RulesError

app = typer.Typer(
    name="advisor",
    help="Choose PyTorch or TensorFlow for a deep-learning project, with reasons; then generate it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="Work with rule files.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

AnswerOption = Annotated[
    list[str] | None,
    typer.Option("--answer", "-a", metavar="KEY=VALUE", help="Answer a question, e.g. deploy=server. Repeatable."),
]
AnswersFileOption = Annotated[
    Path | None,
    typer.Option("--answers", metavar="FILE", help="YAML or JSON file mapping question ids to choices."),
]
RulesOption = Annotated[
    list[Path] | None,
    typer.Option("--rules", metavar="DIR", help="Extra rule directory layered on the built-ins. Repeatable."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")]


def _version(value: bool) -> None:
    if value:
        print(f"advisor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    pass


@app.command()
def questions(as_json: JsonOption = False) -> None:
    """List the questions: ids, prompts, choices, defaults and when each is asked."""
    from advisor.resources import rules_dir
    from advisor.questions import load_questionnaire

    questionnaire = load_questionnaire(rules_dir())
    if as_json:
        import json

        data = [
            {
                "id": q.id,
                "prompt": q.prompt,
                "help": q.help,
                "choices": [{"value": c.value, "help": c.help} for c in q.choices],
                "default": q.default,
                "when": q.when.describe() if q.when else None,
            }
            for q in questionnaire.questions
        ]
        print(json.dumps(data, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"advisor questions (rules {questionnaire.version})", show_lines=True)
    for column in ("id", "question", "choices (default in bold)", "asked when"):
        table.add_column(column)
    for q in questionnaire.questions:
        choices = "\n".join(
            (f"[bold]{c.value}[/bold]" if c.value == q.default else c.value) + f" [dim]- {c.help}[/dim]"
            for c in q.choices
        )
        table.add_row(q.id, q.prompt, choices, q.when.describe() if q.when else "always")
    Console().print(table)


@app.command()
def recommend(
    answer: AnswerOption = None,
    answers: AnswersFileOption = None,
    rules: RulesOption = None,
    as_json: JsonOption = False,
    explain: Annotated[bool, typer.Option("--explain", help="Also show every rule, matched or not, and why.")] = False,
) -> None:
    """Recommend PyTorch or TensorFlow for your answers, and explain why."""
    from advisor.answers import collect
    from advisor.engine import recommend as run_engine
    from advisor.report import print_recommendation, recommendation_dict
    from advisor.rules import load_ruleset

    ruleset = load_ruleset(rules or [])
    provided, _project = collect(ruleset.questionnaire, answer or [], answers)
    rec = run_engine(ruleset, provided)
    if as_json:
        import json

        print(json.dumps(recommendation_dict(rec), indent=2))
    else:
        print_recommendation(rec, explain=explain)


FrameworkOption = Annotated[
    str | None, typer.Option(help="auto (the recommendation), pytorch or tensorflow.", show_default="auto")
]
NameOption = Annotated[str | None, typer.Option(help="Project name (default: DIR's name).")]
DescriptionOption = Annotated[str | None, typer.Option(help="One-line description.")]
ForceOption = Annotated[bool, typer.Option("--force", help="Write into a non-empty DIR, over same-named files.")]


@app.command()
def new(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Where to create the project.")],
    framework: FrameworkOption = None,
    answer: AnswerOption = None,
    answers: AnswersFileOption = None,
    rules: RulesOption = None,
    name: NameOption = None,
    description: DescriptionOption = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt; unanswered questions take defaults.")] = False,
    force: ForceOption = False,
) -> None:
    """Generate a ready-to-train project; on a terminal, asks what the flags did not answer."""
    if no_input:
        interactive = False
    elif sys.stdin.isatty():
        interactive = True
    elif answers is not None:
        interactive = False  # a script that passed an answers file: take defaults for the rest
    else:
        from advisor.wizard import NOT_A_TERMINAL

        raise InputError(NOT_A_TERMINAL)
    _create_project(directory, framework, answer, answers, rules, name, description, force, interactive)


@app.command()
def wizard(
    directory: Annotated[Path | None, typer.Argument(metavar="[DIR]", help="Where to create the project (asked if omitted).")] = None,
    framework: FrameworkOption = None,
    answer: AnswerOption = None,
    answers: AnswersFileOption = None,
    rules: RulesOption = None,
    name: NameOption = None,
    description: DescriptionOption = None,
    force: ForceOption = False,
) -> None:
    """Answer the questions interactively, see the recommendation explained, and get a project."""
    from advisor.wizard import require_terminal

    require_terminal()
    _create_project(directory, framework, answer, answers, rules, name, description, force, interactive=True)


def _create_project(directory, framework, answer, answers, rules, name, description, force, interactive) -> None:
    from advisor.answers import collect
    from advisor.context import plan_generation
    from advisor.engine import recommend as run_engine
    from advisor.generate import check_destination, render
    from advisor.project import project_settings
    from advisor.report import print_generated
    from advisor.rules import load_ruleset

    ruleset = load_ruleset(rules or [])
    provided, stored = collect(ruleset.questionnaire, answer or [], answers)
    if interactive:
        from advisor.wizard import run_wizard

        choices = run_wizard(ruleset, provided, stored, directory, framework, name, description, force)
        provided, directory = choices.answers, choices.directory
        settings = project_settings(choices.name, choices.description, choices.framework)
    else:
        settings = project_settings(
            name if name is not None else stored.get("name", directory.resolve().name),
            description if description is not None else stored.get("description"),
            framework if framework is not None else stored.get("framework"),
        )
    check_destination(directory, force)
    plan = plan_generation(run_engine(ruleset, provided), settings)
    try:
        path = render(plan, directory, force=force)
    except KeyboardInterrupt:
        raise Aborted() from None
    print_generated(plan, path)
    if interactive:
        from advisor.wizard import finish_wizard

        finish_wizard(plan, path, directory, provided)


@app.command()
def smoke(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="A project generated by advisor new.")],
    as_json: JsonOption = False,
    python: Annotated[
        str | None, typer.Option("--python", metavar="PATH", help="Interpreter to run the tests with (default: this one).")
    ] = None,
) -> None:
    """Run a generated project's smoke tests; exit 1 if any fails."""
    from advisor.report import print_smoke
    from advisor.smoke import run_smoke

    try:
        report = run_smoke(directory, python)
    except KeyboardInterrupt:
        raise Aborted("aborted") from None
    if as_json:
        import json

        print(json.dumps(report.to_dict(), indent=2))
    else:
        print_smoke(report)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def doctor(
    directory: Annotated[
        Path | None, typer.Argument(metavar="[DIR]", help="A generated project to check this machine against.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Report this machine (OS, Python, CPU, GPUs, frameworks) with verdicts and exact fix commands."""
    from advisor.doctor import run_doctor

    code = run_doctor(directory, as_json=as_json)
    if code:
        raise typer.Exit(code)


@rules_app.command("check")
def rules_check(rules: RulesOption = None) -> None:
    """Validate the built-in rules and any --rules DIR; exit 1 listing every problem."""
    from advisor.rules import load_ruleset

    ruleset = load_ruleset(rules or [])
    print(
        f"ok: {len(ruleset.questionnaire.questions)} questions, {len(ruleset.preferences)} preferences, "
        f"{len(ruleset.constraints)} constraints (rules {ruleset.version}) from "
        + ", ".join(ruleset.sources)
    )


def main() -> None:
    """Entry point: every domain error becomes a one-line message and its exit code, never a traceback."""
    try:
        app()  # standalone: click reports its own usage errors with exit 2
    except AdvisorError as error:
        if isinstance(error, RulesError):
            for problem in error.problems:
                print(problem, file=sys.stderr)
        else:
            print(f"error: {error}", file=sys.stderr)
        sys.exit(error.exit_code)
