"""Domain errors. The CLI maps each to an exit code and a one-line message, in one place."""


class AdvisorError(Exception):
    """Base class: `str(error)` is the one line shown to the user."""

    exit_code = 1


class InputError(AdvisorError):
    """Bad input from the user: an answer, a flag, a file, a name."""

    exit_code = 2


class RulesError(AdvisorError):
    """Rule or question files that do not validate; holds every problem found."""

    exit_code = 1

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class GenerationError(AdvisorError):
    """Rendering a project failed; nothing was left on disk."""

    exit_code = 1


class Aborted(AdvisorError):
    """The user pressed Ctrl-C."""

    exit_code = 130

    def __init__(self, message: str = "aborted, nothing written"):
        super().__init__(message)
