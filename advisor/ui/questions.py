"""The questionnaire as JSON (`advisor questions --json`) and as a rich table."""

from __future__ import annotations

from typing import Any

from advisor.decide.questions import Question, Questionnaire


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
