"""The typer application and the options its commands share."""

from __future__ import annotations

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
FrameworkOption = Annotated[
    str | None, typer.Option(help="auto (the recommendation), pytorch or tensorflow.", show_default="auto")
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


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    pass
