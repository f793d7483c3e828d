"""Render the project template atomically: into a staging folder beside DIR, then moved into place.

`render_into` renders a plan (with its project record) into a folder of its own; `place` moves a rendered
tree into DIR. Any failure or Ctrl-C removes the staging folder, so nothing half-written is left behind.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from advisor.errors import GenerationError, InputError
from advisor.project.plan import GenerationPlan
from advisor.project.record import write_record
from advisor.resources import templates_dir

TEMPLATE = "project"


def template_root() -> Path:
    return templates_dir() / TEMPLATE


@functools.cache
def template_digest() -> str:
    """sha256 over the template's files (paths and bytes): which template a project was rendered from."""
    digest = hashlib.sha256()
    root = template_root()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()


def check_destination(destination: Path, force: bool) -> None:
    """Refuse a non-empty DIR unless --force; refuse a file in the way always."""
    if destination.exists() and not destination.is_dir():
        raise InputError(f"DIR: {destination} exists and is not a directory")
    if destination.is_dir() and any(destination.iterdir()) and not force:
        raise InputError(f"DIR: {destination} exists and is not empty; pass --force to write into it")


def render_into(plan: GenerationPlan, staging: Path) -> Path:
    """Render `plan` under `staging` (which must exist) and write its record; returns the project folder."""
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.main import cookiecutter

    config = staging / "cookiecutter-config.yaml"
    # Keep cookiecutter's replay and cache files out of the user's home directory.
    config.write_text(f"cookiecutters_dir: {staging / 'cache'}\nreplay_dir: {staging / 'replay'}\n", encoding="utf-8")
    try:
        rendered = Path(
            cookiecutter(
                str(template_root()),
                no_input=True,
                extra_context=plan.context(),
                output_dir=str(staging / "out"),
                config_file=str(config),
            )
        )
    except (CookiecutterException, OSError, ValueError) as error:
        raise GenerationError(f"rendering the template failed: {error}") from error
    # pip byte-compiles an installed template's valid-Python files; their caches are not the project's.
    for cache in sorted(rendered.rglob("__pycache__"), reverse=True):
        shutil.rmtree(cache, ignore_errors=True)
    write_record(rendered, plan.record(template_digest()))
    return rendered


def check_overwrite(rendered: Path, destination: Path) -> None:
    """With --force: refuse, before writing anything, a path in DIR that the project cannot replace.

    A file where the project has a folder (or the reverse) would stop the copy half-way, and a link would
    send the project's file somewhere outside DIR.
    """
    for source in sorted(rendered.rglob("*")):
        target = destination / source.relative_to(rendered)
        if target.is_symlink():
            raise InputError(f"DIR: {target} is a link; advisor does not write through links (move it away)")
        if source.is_dir() and target.exists() and not target.is_dir():
            raise InputError(f"DIR: {target} is a file where the project needs a folder (move it away)")
        if not source.is_dir() and target.is_dir():
            raise InputError(f"DIR: {target} is a folder where the project needs a file (move it away)")


def place(rendered: Path, destination: Path) -> None:
    """Move a rendered tree into DIR (new or empty); with --force, over same-named files in DIR."""
    if destination.is_dir() and any(destination.iterdir()):
        check_overwrite(rendered, destination)
        # --force: write over same-named files; never delete what the user had there.
        shutil.copytree(rendered, destination, dirs_exist_ok=True)
        return
    if destination.is_dir():
        destination.rmdir()
    os.replace(rendered, destination)


def render(plan: GenerationPlan, destination: Path, force: bool = False) -> Path:
    """Render `plan` into `destination` (new or empty; with --force, over existing files)."""
    destination = destination.resolve()
    check_destination(destination, force)
    created = [parent for parent in destination.parents if not parent.exists()]
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.advisor-", dir=destination.parent))
    placed = False
    try:
        place(render_into(plan, staging), destination)
        placed = True
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if not placed:
            for parent in created:  # innermost first: the folders this run made for DIR, if still empty
                with contextlib.suppress(OSError):
                    parent.rmdir()
    return destination
