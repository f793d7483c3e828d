"""The interactive wizard: questionary prompts over the same question model the flags and files use.

Each prompt is built by a small function (so tests can drive it with prompt_toolkit pipe input);
`run_wizard` strings them together. Ctrl-C anywhere becomes `Aborted` (exit 130); since rendering is
atomic, nothing is left on disk.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.decide.questions import Question, Questionnaire, is_relevant
from advisor.decide.rules import RuleSet
from advisor.errors import Aborted, InputError
from advisor.files import resolved
from advisor.project.render import check_destination
from advisor.project.settings import DEFAULT_DESCRIPTION, validate_description, validate_name
from advisor.text import shell_join
from advisor.ui.text import make_console

if TYPE_CHECKING:
    from questionary import Question as Prompt

    from advisor.project.create import CreatedProject

NOT_A_TERMINAL = (
    "stdin is not a terminal, so advisor cannot ask questions: "
    "pass --no-input (unanswered questions take defaults) or --answers FILE"
)


def require_terminal() -> None:
    if not sys.stdin.isatty():
        raise InputError(NOT_A_TERMINAL)


def choice_title(value: str, help_text: str, width: int) -> str:
    return f"{value.ljust(width)}  {help_text}"


def question_prompt(question: Question, default: str, **io: Any) -> Prompt:
    """A select prompt for one question: every choice with its help line, `default` highlighted."""
    import questionary

    width = max(len(value) for value in question.values)
    choices = [
        questionary.Choice(title=choice_title(c.value, c.help, width), value=c.value) for c in question.choices
    ]
    return questionary.select(
        question.prompt,
        choices=choices,
        default=next(c for c in choices if c.value == default),
        instruction=f"({question.id}; arrows and Enter)",
        **io,
    )


def framework_prompt(ruleset: RuleSet, recommended: str, **io: Any) -> Prompt:
    import questionary

    label = ruleset.label
    choices = [questionary.Choice(title=f"{label(recommended)} (recommended)", value=recommended)]
    choices += [
        questionary.Choice(title=f"{label(f)} instead", value=f) for f in ruleset.frameworks if f != recommended
    ]
    return questionary.select("Which framework should the project use?", choices=choices, **io)


def _validator(check: Callable[[str], object]) -> Callable[[str], bool | str]:
    """questionary validators return True or the message to show; the message drops the 'field: ' prefix."""

    def validate(text: str) -> bool | str:
        try:
            check(text)
        except InputError as error:
            return str(error).split(": ", 1)[-1]
        return True

    return validate


def name_prompt(default: str, framework: str | None = None, **io: Any) -> Prompt:
    import questionary

    def check(text: str) -> object:
        return validate_name(text, framework)

    return questionary.text("Project name:", default=default, validate=_validator(check), **io)


def check_directory(text: str, force: bool = False) -> Path:
    """The folder typed at the prompt, checked as `advisor new DIR` checks its argument."""
    if not text.strip():
        raise InputError("DIR: must not be empty")
    path = Path(text.strip()).expanduser()
    check_destination(path, force)
    return path


def directory_prompt(default: str, force: bool = False, **io: Any) -> Prompt:
    import questionary

    return questionary.text(
        "Create the project in:", default=default, validate=_validator(lambda t: check_directory(t, force)), **io
    )


def description_prompt(**io: Any) -> Prompt:
    import questionary

    return questionary.text(
        "One-line description (Enter for the default):", default="", validate=_validator(validate_description), **io
    )


def confirm_prompt(message: str, default: bool, **io: Any) -> Prompt:
    import questionary

    return questionary.confirm(message, default=default, **io)


def ask(prompt: Prompt) -> Any:
    """Ask one prompt; Ctrl-C (or Ctrl-D) aborts the whole wizard."""
    _end_of_input_aborts(prompt)
    try:
        answer = prompt.unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        raise Aborted() from None
    if answer is None:
        raise Aborted()
    return answer


def _end_of_input_aborts(prompt: Prompt) -> None:
    """Ctrl-D ends a select or confirm prompt as it ends a text prompt (questionary binds it only for text)."""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    bindings = KeyBindings()

    @bindings.add("c-d", eager=True)
    def _end(event: Any) -> None:
        event.app.exit(exception=EOFError, style="class:aborting")

    application = prompt.application
    current = application.key_bindings
    application.key_bindings = merge_key_bindings([current, bindings]) if current is not None else bindings


def ask_questions(
    questionnaire: Questionnaire, given: Mapping[str, str], suggested: Mapping[str, str], **io: Any
) -> dict[str, str]:
    """Ask every relevant question the user has not answered, in order; returns all relevant answers."""
    answers: dict[str, str] = {}
    for question in questionnaire.questions:
        if not is_relevant(question, answers):
            continue
        if question.id in given:
            answers[question.id] = given[question.id]
            continue
        default = suggested.get(question.id, question.default)
        answers[question.id] = str(ask(question_prompt(question, default, **io)))
    return answers


@dataclass(frozen=True)
class WizardChoices:
    answers: dict[str, str]
    framework: str  # auto | pytorch | tensorflow, as `--framework` takes it
    name: str
    description: str
    directory: Path


def equivalent_command(choices: WizardChoices) -> str:
    """The one-line non-interactive command that repeats this run, with the CLI's own flag names."""
    parts = ["advisor", "new", str(choices.directory), "--no-input"]
    for question_id, value in choices.answers.items():
        parts += ["--answer", f"{question_id}={value}"]
    if choices.framework != "auto":
        parts += ["--framework", choices.framework]
    parts += ["--name", choices.name]
    if choices.description != DEFAULT_DESCRIPTION:
        parts += ["--description", choices.description]
    return shell_join(parts)


def suggested_defaults() -> dict[str, str]:
    """Questionnaire defaults from this machine (hardware, os); empty if detection fails."""
    try:
        from advisor.machine.detect import suggested_answers

        return dict(suggested_answers())
    except Exception:  # detection is a convenience: a failure must not stop the wizard
        return {}


def run_wizard(
    ruleset: RuleSet,
    given: Mapping[str, str],
    stored: Mapping[str, Any],
    directory: Path | None,
    framework: str | None,
    name: str | None,
    description: str | None,
    force: bool,
    **io: Any,
) -> WizardChoices:
    """Ask what is missing, show the recommendation, and settle framework, name and directory."""

    from advisor.decide.engine import recommend
    from advisor.ui.recommendation import print_recommendation

    console = make_console()
    console.print(
        "[bold]advisor[/bold]: a few questions about your project (Ctrl-C to stop; nothing is written until the end)"
    )
    answers = ask_questions(ruleset.questionnaire, given, suggested_defaults(), **io)
    rec = recommend(ruleset, answers)
    print_recommendation(rec)

    framework = framework if framework is not None else stored.get("framework")
    if framework is None or str(framework).lower() == "auto":
        if rec.framework is None:
            framework = ask(framework_prompt(ruleset, ruleset.frameworks[0], **io))
        else:
            picked = ask(framework_prompt(ruleset, rec.framework, **io))
            framework = "auto" if picked == rec.framework else picked

    name = name if name is not None else stored.get("name")
    chosen: str | None = rec.framework if str(framework).lower() == "auto" else str(framework).lower()
    chosen = chosen if chosen in ruleset.frameworks else None  # a bad --framework is refused later, by name
    if name is None:
        default_name = resolved(directory, "DIR").name if directory is not None else "my-dl-project"
        name = ask(name_prompt(default_name, chosen, **io))
    _, slug, _ = validate_name(name, chosen)

    if directory is None:
        directory = check_directory(ask(directory_prompt(slug, force, **io)), force)

    description = description if description is not None else stored.get("description")
    if description is None:
        description = ask(description_prompt(**io)).strip() or DEFAULT_DESCRIPTION
    return WizardChoices(answers, str(framework).lower(), name, validate_description(description), directory)


def finish_wizard(created: CreatedProject, directory: Path, answers: Mapping[str, str], **io: Any) -> None:
    """Offer the smoke tests, then print the command that repeats this run without questions."""
    plan = created.plan
    _offer_smoke(created.path, plan.framework, **io)
    settings = plan.settings
    command = equivalent_command(
        WizardChoices(dict(answers), settings.framework_choice, settings.name, settings.description, directory)
    )
    print("\nTo repeat this without questions:\n  " + command)


def changes_prompt(questions: list[tuple[Question, str]], **io: Any) -> Prompt:
    """A checkbox of the project's answers: the ones ticked are asked again."""
    import questionary

    width = max(len(question.id) for question, _ in questions)
    choices = [
        questionary.Choice(title=f"{question.id.ljust(width)}  {current}", value=question.id)
        for question, current in questions
    ]
    return questionary.checkbox(
        "Which answers should change? (none: bring the project up to this advisor)",
        choices=choices,
        instruction="(Space to tick, Enter when done)",
        **io,
    )


def ask_changes(questionnaire: Questionnaire, current: Mapping[str, str], **io: Any) -> dict[str, str]:
    """Ask which answers change, ask those again (and any question they make relevant); returns the changes."""
    relevant = [(q, current[q.id]) for q in questionnaire.questions if q.id in current]
    picked = set(ask(changes_prompt(relevant, **io))) if relevant else set()
    answers: dict[str, str] = {}
    for question in questionnaire.questions:
        if not is_relevant(question, answers):
            continue
        if question.id in picked or question.id not in current:
            default = current.get(question.id, question.default)
            answers[question.id] = str(ask(question_prompt(question, default, **io)))
        else:
            answers[question.id] = current[question.id]
    return {key: value for key, value in answers.items() if current.get(key) != value}


def update_command(directory: Path, changes: Mapping[str, str]) -> str:
    """The one-line command that repeats this update without questions."""
    parts = ["advisor", "update", str(directory)]
    for question_id, value in changes.items():
        parts += ["--answer", f"{question_id}={value}"]
    return shell_join(parts)


def run_update_wizard(
    ruleset: RuleSet, directory: Path, flags: tuple[str, ...], answers_file: Path | None, **io: Any
) -> None:
    """`advisor wizard DIR` on an advisor project: ask what changes, show the plan, update on confirmation."""

    from advisor.decide.answers import collect
    from advisor.decide.engine import recommend
    from advisor.errors import AdvisorError
    from advisor.project.record import read_record
    from advisor.project.update import UpdateRequest, uncommitted_changes, update_project
    from advisor.ui.progress import spinner
    from advisor.ui.recommendation import print_recommendation
    from advisor.ui.text import plain
    from advisor.ui.updated import print_update

    console = make_console()
    record = read_record(directory)
    label = ruleset.label(record.framework)
    console.print(
        f"[bold]advisor[/bold]: {plain(str(directory))} is an advisor project ({plain(label)}, "
        f"task {plain(record.answers.get('task', '?'))}). advisor updates it to changed answers and this "
        "advisor's template, keeping your edits (Ctrl-C to stop; nothing is written until you confirm)"
    )
    given = collect(ruleset.questionnaire, flags, answers_file).answers if flags or answers_file else {}
    current = {**record.answers, **given}
    changes = {**{k: v for k, v in given.items() if record.answers.get(k) != v}, **ask_changes(
        ruleset.questionnaire, current, **io
    )}
    print_recommendation(recommend(ruleset, {**record.answers, **changes}))
    allow_dirty = False
    dirty = uncommitted_changes(directory)
    if dirty:
        question = f"{len(dirty)} file(s) have uncommitted changes; merge the update into them anyway?"
        if not ask(confirm_prompt(question, default=False, **io)):
            raise Aborted("stopped: commit or stash your changes, then run the update again; nothing written")
        allow_dirty = True
    flags_now = tuple(f"{key}={value}" for key, value in changes.items())
    request = UpdateRequest(directory, flags_now, None, dry_run=True, allow_dirty=allow_dirty)
    with spinner("update: rendering the project again and merging (nothing is written yet)"):
        preview = update_project(ruleset, request)
    print_update(preview, show_diff=False)
    if preview.up_to_date:
        return
    if not ask(confirm_prompt("Apply the update?", default=True, **io)):
        raise Aborted("stopped; nothing written")
    try:
        with spinner("update: merging"):
            result = update_project(ruleset, UpdateRequest(directory, flags_now, None, allow_dirty=allow_dirty))
    except KeyboardInterrupt:
        raise Aborted("interrupted") from None
    print_update(result)
    if not result.conflicts:
        _offer_smoke(result.path, result.plan.framework, **io)
    print("\nTo repeat this without questions:\n  " + update_command(directory, changes))
    if result.conflicts:
        raise AdvisorError(f"{len(result.conflicts)} file(s) have conflicts to resolve")


def _offer_smoke(path: Path, framework: str, **io: Any) -> None:
    import importlib.util

    from advisor.catalog import load_catalog
    from advisor.project.smoke import run_smoke
    from advisor.ui.progress import smoke_progress
    from advisor.ui.smoke import print_smoke

    module = load_catalog().frameworks[framework].module
    installed = importlib.util.find_spec(module) is not None  # finds it without importing it
    hint = "" if installed else f" ({module} is not installed in this Python yet, so they would fail)"
    try:
        if ask(confirm_prompt(f"Run the smoke tests now?{hint}", default=installed, **io)):
            with smoke_progress() as progress:
                report = run_smoke(path, progress=progress)
            print_smoke(report)
    except (KeyboardInterrupt, Aborted):
        raise Aborted(f"aborted; the project in {path} is complete, only the smoke run stopped") from None
