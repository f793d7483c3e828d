"""Shell completion (bash, zsh, fish): typer's, loaded only when asked, with bash's words kept whole.

bash cuts a word at '=' (COMP_WORDBREAKS), so `-a deploy=an<TAB>` would reach advisor as `deploy`, `=`,
`an` and complete nothing. advisor's bash script passes the line up to the cursor instead, advisor splits it
itself, and the script hands bash back only the part after the '=' it replaces.
"""

from __future__ import annotations

import os
from typing import Any

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
# typer's template (%-formatted: '%%' is a literal '%').
BASH_SCRIPT = r"""
%(complete_func)s() {
    local IFS=$'\n'
    local line="${COMP_LINE:0:$COMP_POINT}"
    COMPREPLY=( $( env COMP_WORDS="$line" COMP_CWORD=-1 %(autocomplete_var)s=complete_bash $1 ) )
    local word="${line##*[[:space:]]}"
    if [[ "$word" == *=* && "$COMP_WORDBREAKS" == *=* ]]; then
        local prefix="${word%%=*}="
        COMPREPLY=( "${COMPREPLY[@]#"$prefix"}" )
    fi
    if [[ ${#COMPREPLY[@]} -eq 1 && "${COMPREPLY[0]}" == *= ]]; then
        compopt -o nospace 2>/dev/null  # `deploy=` waits for its value
    fi
    return 0
}

complete -o default -F %(complete_func)s %(prog_name)s
"""


def enable() -> None:
    """Answer the shell's completion request with typer's classes, advisor's for bash."""
    from typer._click.shell_completion import add_completion_class, split_arg_string
    from typer._completion_classes import BashComplete, completion_init

    completion_init()

    class LineBashComplete(BashComplete):
        source_template = BASH_SCRIPT

        def get_completion_args(self) -> tuple[list[str], str]:
            line = os.environ.get("COMP_WORDS", "")
            words = split_arg_string(line)
            incomplete = words.pop() if words and line and not line[-1].isspace() else ""
            return words[1:], incomplete

    add_completion_class(LineBashComplete, "bash")


def shell_name() -> str:
    """The shell to complete for: the one advisor runs in, else $SHELL."""
    from advisor.errors import InputError

    name = None
    if not os.environ.get("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION"):
        from typer._completion_shared import _get_shell_name

        name = _get_shell_name()
    if name not in SHELLS:
        name = os.path.basename(os.environ.get("SHELL", "")) or None
    if name not in SHELLS:
        raise InputError("completion: cannot tell which shell this is; run it as SHELL=bash advisor ... (zsh, fish)")
    return str(name)


def _use_advisor_scripts() -> None:
    from typer import _completion_shared

    _completion_shared._completion_scripts["bash"] = BASH_SCRIPT


def show(ctx: Any) -> None:
    from typer._completion_shared import get_completion_script

    _use_advisor_scripts()
    prog = ctx.find_root().info_name or "advisor"
    print(get_completion_script(prog_name=prog, complete_var="_ADVISOR_COMPLETE", shell=shell_name()))


def install(ctx: Any) -> None:
    from typer._completion_shared import install as install_script

    _use_advisor_scripts()
    shell, path = install_script(shell=shell_name(), prog_name=ctx.find_root().info_name or "advisor",
                                 complete_var="_ADVISOR_COMPLETE")
    print(f"{shell} completion installed in {path}; it takes effect in a new terminal")
