"""The typer application and the options its commands share."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from advisor import __version__

app = typer.Typer(
    name="advisor",
    help="Choose PyTorch or TensorFlow for a deep-learning project, with reasons; then generate it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


EXAMPLE_WIDTH = 36  # help wraps to the terminal: an example this short stays whole from 40 columns up


def examples(*commands: str) -> str:
    """A command's help epilog: each example on a line of its own, short enough never to wrap."""
    assert all(len(command) <= EXAMPLE_WIDTH for command in commands), commands
    return "Examples\n\n" + "\n\n".join(commands)


rules_app = typer.Typer(
    help="Work with rule files.", no_args_is_help=True,
    epilog=examples("advisor rules check", "advisor rules check --strict"),
)
app.add_typer(rules_app, name="rules")

def complete_answer(incomplete: str) -> list[tuple[str, str]]:
    """Shell completion for --answer: question ids (`deploy=`), then that question's choices."""
    try:
        from advisor.decide.rules import load_ruleset

        questions = load_ruleset(()).questionnaire.questions
    except Exception:  # completion must never print an error into the user's command line
        return []
    key, sep, value = incomplete.partition("=")
    if not sep:
        return [(f"{q.id}=", q.prompt) for q in questions if q.id.startswith(key)]
    return [
        (f"{q.id}={choice.value}", choice.help)
        for q in questions if q.id == key
        for choice in q.choices if choice.value.startswith(value)
    ]


def complete_framework(incomplete: str) -> list[str]:
    return [name for name in ("auto", "pytorch", "tensorflow") if name.startswith(incomplete)]


def complete_why_not(incomplete: str) -> list[str]:
    return [name for name in ("pytorch", "tensorflow") if name.startswith(incomplete)]


AnswerOption = Annotated[
    list[str] | None,
    typer.Option(
        "--answer", "-a", metavar="KEY=VALUE", help="Answer a question, e.g. deploy=server. Repeatable.",
        autocompletion=complete_answer,
    ),
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
FrameworkOption = Annotated[
    str | None,
    typer.Option(
        help="auto (the recommendation), pytorch or tensorflow.", show_default="auto", autocompletion=complete_framework
    ),
]
NameOption = Annotated[str | None, typer.Option(help="Project name (default: DIR's name).")]
DescriptionOption = Annotated[str | None, typer.Option(help="One-line description.")]
ForceOption = Annotated[bool, typer.Option("--force", help="Write into a non-empty DIR, over same-named files.")]
NoGitOption = Annotated[
    bool,
    typer.Option(
        "--no-git",
        help="Do not make DIR a git repository (nor record the generated state in the one it is in); "
        "advisor update needs one.",
    ),
]


def _version(value: bool) -> None:
    if value:
        print(f"advisor {__version__}")
        raise typer.Exit()


def _no_color(value: bool) -> None:
    if value:
        os.environ["NO_COLOR"] = "1"  # every console made from now on (rich reads it) prints without colour


# Shell completion is typer's, attached by hand so that `advisor recommend` never pays for loading it.
def _completion(ctx: typer.Context, param: typer.CallbackParam, value: bool) -> None:
    """--install-completion and --show-completion."""
    if value and not ctx.resilient_parsing:
        from advisor.cli import completion

        (completion.install if param.name == "install_completion" else completion.show)(ctx)
        raise typer.Exit()


@app.callback(
    epilog=examples(
        "advisor wizard",
        "advisor recommend -a task=llm",
        "advisor new cats -a task=vision",
    ),
)
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    no_color: Annotated[
        bool,
        typer.Option("--no-color", callback=_no_color, is_eager=True, help="Print without colour (or set NO_COLOR)."),
    ] = False,
    install_completion: Annotated[
        bool,
        typer.Option(
            "--install-completion", callback=_completion, is_eager=True, expose_value=False,
            help="Install shell completion (bash, zsh, fish) for the current shell.",
        ),
    ] = False,
    show_completion: Annotated[
        bool,
        typer.Option(
            "--show-completion", callback=_completion, is_eager=True, expose_value=False,
            help="Print the completion script for the current shell, to install it yourself.",
        ),
    ] = False,
) -> None:
    pass
