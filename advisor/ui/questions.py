"""The questionnaire as JSON (`advisor questions --json`) and as a rich table."""

from __future__ import annotations

from typing import Any

from advisor.decide.questions import Question, Questionnaire
from advisor.ui.text import make_console


def question_dict(question: Question) -> dict[str, Any]:
    return {
        "id": question.id,
        "prompt": question.prompt,
        "help": question.help,
        "choices": [{"value": c.value, "help": c.help} for c in question.choices],
        "default": question.default,
        "when": question.when.describe() if question.when else None,
    }


def print_questions(questionnaire: Questionnaire) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"advisor questions (rules {questionnaire.version})", show_lines=True)
    for column in ("id", "question", "choices (default in bold)", "asked when"):
        table.add_column(column)
    for q in questionnaire.questions:
        choices = Text()
        for index, c in enumerate(q.choices):
            choices.append(("\n" if index else "") + c.value, style="bold" if c.value == q.default else "")
            choices.append(f" - {c.help}", style="dim")
        table.add_row(Text(q.id), Text(q.prompt), choices, Text(q.when.describe() if q.when else "always"))
    make_console().print(table)
