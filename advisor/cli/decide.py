"""Commands of the decision core: questions, recommend, rules check."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from advisor.cli.app import AnswerOption, AnswersFileOption, JsonOption, RulesOption, app, rules_app


@app.command()
def questions(as_json: JsonOption = False) -> None:
    """List the questions: ids, prompts, choices, defaults and when each is asked."""
    from advisor.decide.questions import load_questionnaire
    from advisor.resources import rules_dir
    from advisor.ui.questions import print_questions, question_dict

    questionnaire = load_questionnaire(rules_dir())
    if as_json:
        print(json.dumps([question_dict(q) for q in questionnaire.questions], indent=2, allow_nan=False))
    else:
        print_questions(questionnaire)


@app.command()
def recommend(
    answer: AnswerOption = None,
    answers: AnswersFileOption = None,
    rules: RulesOption = None,
    as_json: JsonOption = False,
    explain: Annotated[bool, typer.Option("--explain", help="Also show every rule, matched or not, and why.")] = False,
    why_not_framework: Annotated[
        str | None,
        typer.Option(
            "--why-not", metavar="FRAMEWORK",
            help="Also show the smallest answer changes that would pick FRAMEWORK, and what rules it out.",
        ),
    ] = None,
) -> None:
    """Recommend PyTorch or TensorFlow for your answers, and explain why."""
    from advisor.decide.answers import collect
    from advisor.decide.engine import recommend as run_engine
    from advisor.decide.rules import load_ruleset

    ruleset = load_ruleset(rules or [])
    collected = collect(ruleset.questionnaire, answer or [], answers)
    rec = run_engine(ruleset, collected.answers)
    other = None
    if why_not_framework is not None:
        from advisor.decide.whynot import why_not

        other = why_not(ruleset, collected.answers, why_not_framework)
    if as_json:
        from advisor.decide.serialize import recommendation_dict

        data = recommendation_dict(rec)
        if other is not None:
            data["why_not"] = other.to_dict()
        print(json.dumps(data, indent=2, allow_nan=False))
    else:
        from advisor.ui.recommendation import print_recommendation, print_why_not

        print_recommendation(rec, explain=explain)
        if other is not None:
            print_why_not(other, rec)


@rules_app.command("check")
def rules_check(
    rules: RulesOption = None,
    max_age: Annotated[
        int,
        typer.Option(
            "--max-age", metavar="DAYS", help="Warn about rules whose facts were checked more than DAYS days ago."
        ),
    ] = 365,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when any rule is stale.")] = False,
) -> None:
    """Validate the built-in rules and any --rules DIR; exit 1 listing every problem. Then warn about
    rules whose `checked` date is older than --max-age days (and user rules without one)."""
    import datetime

    from advisor.decide.rules import load_ruleset, stale_rules
    from advisor.errors import InputError

    if max_age < 1:
        raise InputError(f"--max-age must be a positive number of days, got {max_age}")
    ruleset = load_ruleset(rules or [], use_cache=False)  # always the files themselves, never the cache
    print(
        f"ok: {len(ruleset.questionnaire.questions)} questions, {len(ruleset.preferences)} preferences, "
        f"{len(ruleset.constraints)} constraints (rules {ruleset.version}) from "
        + ", ".join(ruleset.sources)
    )
    stale = stale_rules(ruleset, datetime.date.today(), max_age)
    for rule in stale:
        typer.echo(rule.message(), err=True)
    if stale and strict:
        raise typer.Exit(1)
