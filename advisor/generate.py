"""Render the project template atomically: into a temporary folder beside DIR, then moved into place.

Any failure or Ctrl-C removes the temporary folder, so nothing half-written is left behind.
"""

import os
import shutil
import tempfile
from pathlib import Path

from advisor.context import GenerationPlan
from advisor.errors import GenerationError, InputError
from advisor.resources import templates_dir

TEMPLATE = "project"


def check_destination(destination: Path, force: bool) -> None:
    """Refuse a non-empty DIR unless --force; refuse a file in the way always."""
    if destination.exists() and not destination.is_dir():
        raise InputError(f"DIR: {destination} exists and is not a directory")
    if destination.is_dir() and any(destination.iterdir()) and not force:
        raise InputError(f"DIR: {destination} exists and is not empty; pass --force to write into it")


def render(plan: GenerationPlan, destination: Path, force: bool = False) -> Path:
    """Render `plan` into `destination` (new or empty; with --force, over existing files)."""
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.main import cookiecutter

    destination = destination.resolve()
    check_destination(destination, force)
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.advisor-", dir=destination.parent))
    try:
        config = _private_cookiecutter_config(staging)
        try:
            rendered = Path(
                cookiecutter(
                    str(templates_dir() / TEMPLATE),
                    no_input=True,
                    extra_context=plan.context,
                    output_dir=str(staging / "out"),
                    config_file=str(config),
                )
            )
        except (CookiecutterException, OSError, ValueError) as error:
            raise GenerationError(f"rendering the template failed: {error}") from error
        _move_into_place(rendered, destination)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return destination


def _private_cookiecutter_config(staging: Path) -> Path:
    # Keep cookiecutter's replay and cache files out of the user's home directory.
    config = staging / "cookiecutter-config.yaml"
    config.write_text(
        f"cookiecutters_dir: {staging / 'cache'}\nreplay_dir: {staging / 'replay'}\n", encoding="utf-8"
    )
    return config


def _move_into_place(rendered: Path, destination: Path) -> None:
    if destination.is_dir() and any(destination.iterdir()):
        # --force: write over same-named files; never delete what the user had there.
        shutil.copytree(rendered, destination, dirs_exist_ok=True)
        return
    if destination.is_dir():
        destination.rmdir()
    os.replace(rendered, destination)
