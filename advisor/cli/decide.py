"""Commands of the decision core: questions, recommend, rules check."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from advisor.cli.app import (
    AnswerOption,
    AnswersFileOption,
    JsonOption,
    RulesOption,
    app,
    complete_why_not,
    examples,
    rules_app,
)


@app.command(epilog=examples("advisor questions", "advisor questions --json"))
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


@app.command(
    epilog=examples(
        "advisor recommend -a deploy=ios",
        "advisor recommend --why-not pytorch",
    )
)
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
            autocompletion=complete_why_not,
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


@rules_app.command("check", epilog=examples("advisor rules check --rules ./ours", "advisor rules check --max-age 180"))
def rules_check(
    rules: RulesOption = None,
    max_age: Annotated[
        str,  # read as text here, so a bad value is one line like every other input error
        typer.Option(
            "--max-age", metavar="DAYS", help="Warn about rules whose facts were checked more than DAYS days ago."
        ),
    ] = "365",
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when any rule is stale (or dated far in the future).")
    ] = False,
) -> None:
    """Validate the built-in rules and any --rules DIR; exit 1 listing every problem. Then warn about
    rules whose `checked` date is older than --max-age days or far in the future, and note user rules without
    one (they may leave it out; recommend's oldest_check ignores them)."""
    import datetime

    from advisor.decide.rules import (
        advisor_page,
        cited_pages,
        future_rules,
        load_ruleset,
        stale_rules,
        undated_rules,
    )
    from advisor.errors import InputError, RulesError
    from advisor.text import quoted, shorten

    text = max_age.strip()
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise InputError(f"--max-age: must be a positive whole number of days, got {quoted(shorten(max_age))}")
    days = int(text)
    ruleset = load_ruleset(rules or [], use_cache=False)  # always the files themselves, never the cache
    # Sources may cite advisor's own pages: each must be where advisor is installed, and is shown by its path.
    pages: dict[str, str] = {}
    missing: list[str] = []
    for rule in ruleset.rules:
        for name in cited_pages(rule.source):
            found = advisor_page(name)
            if found is None:
                missing.append(f"{rule.origin}: {rule.id}: cites {name}, which this installation of advisor lacks")
            else:
                pages.setdefault(name, str(found))
    if missing:
        raise RulesError(missing)
    print(
        f"ok: {len(ruleset.questionnaire.questions)} questions, {len(ruleset.preferences)} preferences, "
        f"{len(ruleset.constraints)} constraints (rules {ruleset.version}) from "
        + ", ".join(ruleset.sources)
    )
    for name, path in pages.items():
        print(f"cited page {name}: {path}")
    today = datetime.date.today()
    stale = stale_rules(ruleset, today, days)
    future = future_rules(ruleset, today)
    for message in [rule.message() for rule in stale] + [rule.message() for rule in future]:
        typer.echo(f"warning: {message}", err=True)
    for rule in undated_rules(ruleset):
        typer.echo(f"note: {rule.origin}: {rule.id}: no 'checked' date (optional on your rules; its age is not "
                   "checked and recommend's oldest_check leaves it out)", err=True)
    if (stale or future) and strict:
        parts = [f"{len(stale)} rule(s) older than {days} days"] if stale else []
        parts += [f"{len(future)} rule(s) dated in the future"] if future else []
        typer.echo(f"{'; '.join(parts)}; exit 1 because of --strict", err=True)
        raise typer.Exit(1)
