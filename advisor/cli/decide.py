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
) -> None:
    """Recommend PyTorch or TensorFlow for your answers, and explain why."""
    from advisor.decide.answers import collect
    from advisor.decide.engine import recommend as run_engine
    from advisor.decide.rules import load_ruleset

    ruleset = load_ruleset(rules or [])
    collected = collect(ruleset.questionnaire, answer or [], answers)
    rec = run_engine(ruleset, collected.answers)
    if as_json:
        from advisor.decide.serialize import recommendation_dict

        print(json.dumps(recommendation_dict(rec), indent=2, allow_nan=False))
    else:
        from advisor.ui.recommendation import print_recommendation

        print_recommendation(rec, explain=explain)


@rules_app.command("check")
def rules_check(rules: RulesOption = None) -> None:
    """Validate the built-in rules and any --rules DIR; exit 1 listing every problem."""
    from advisor.decide.rules import load_ruleset

    ruleset = load_ruleset(rules or [], use_cache=False)  # always the files themselves, never the cache
    print(
        f"ok: {len(ruleset.questionnaire.questions)} questions, {len(ruleset.preferences)} preferences, "
        f"{len(ruleset.constraints)} constraints (rules {ruleset.version}) from "
        + ", ".join(ruleset.sources)
    )
