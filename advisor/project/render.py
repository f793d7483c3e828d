"""Render the project template atomically: into a staging folder beside DIR, then moved into place.

`render_into` renders a plan (with its project record) into a folder of its own; `place` (place.py) moves the
rendered tree into DIR. Any failure or signal removes the staging folder, so nothing half-written is left.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from advisor.errors import GenerationError, InputError
from advisor.files import resolved
from advisor.interrupts import deferred
from advisor.project.git import files_under
from advisor.project.place import STAGING_PREFIX, place
from advisor.project.plan import GenerationPlan
from advisor.project.record import RECORD_PATH, write_record
from advisor.project.settings import WINDOWS_DEVICES
from advisor.resources import templates_dir
from advisor.text import shell_quote

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
    """Refuse a non-empty DIR unless --force; refuse a file in the way always; name what is wrong."""
    for parent in reversed(destination.parents):
        if os.path.lexists(parent) and not parent.is_dir():
            raise InputError(f"DIR: {parent} is not a directory")
    if WINDOWS_DEVICES.match(destination.name):
        raise InputError(f"DIR: {destination.name!r} is a device name on Windows (CON, NUL, COM1...), not a folder")
    if os.path.lexists(destination) and not destination.is_dir():
        raise InputError(f"DIR: {destination} exists and is not a directory")
    if destination.is_dir():
        try:
            empty = not any(destination.iterdir())
        except OSError as error:
            raise InputError(f"DIR: cannot read {destination}: {error.strerror or error}") from None
        if not empty and not force:
            if (destination / RECORD_PATH).is_file():
                raise InputError(
                    f"DIR: {destination} is an advisor project already; to change its answers or bring it up to this "
                    f"advisor, run: advisor update {shell_quote(str(destination))} (or pass --force to write over it)"
                )
            raise InputError(f"DIR: {destination} exists and is not empty; pass --force to write into it")


def render_into(plan: GenerationPlan, staging: Path) -> Path:
    """Render `plan` under `staging` (which must exist) and write its record; returns the project folder."""
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.main import cookiecutter

    # Cookiecutter's replay and cache files go to a folder of their own (not the user's home directory, not
    # DIR's parent, whose name may not even be UTF-8); its config quotes the paths (JSON strings are YAML).
    with tempfile.TemporaryDirectory(prefix="advisor-cookiecutter-") as housekeeping:
        config = Path(housekeeping) / "config.yaml"
        config.write_text(
            f"cookiecutters_dir: {json.dumps(str(Path(housekeeping) / 'cache'))}\n"
            f"replay_dir: {json.dumps(str(Path(housekeeping) / 'replay'))}\n",
            encoding="utf-8",
        )
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
            # Cookiecutter's messages can carry the whole context: keep the first line, shortened.
            first = (str(error).strip().splitlines() or [type(error).__name__])[0]
            shown = first if len(first) <= 200 else first[:197] + "..."
            raise GenerationError(f"rendering the template failed: {shown}") from None
    # pip byte-compiles an installed template's valid-Python files; their caches are not the project's.
    for cache in sorted(rendered.rglob("__pycache__"), reverse=True):
        shutil.rmtree(cache, ignore_errors=True)
    write_record(rendered, plan.record(template_digest()))
    return rendered


@dataclass(frozen=True)
class Placed:
    path: Path  # the project folder
    files: tuple[str, ...]  # what advisor wrote into it: posix paths relative to it


def render(plan: GenerationPlan, destination: Path, force: bool = False) -> Placed:
    """Render `plan` into `destination` (new or empty; with --force, over same-named entries).

    Staging happens inside an existing DIR (same filesystem, even for a mount point) or beside a new one;
    the staging folder and any parent folders made for DIR are removed whatever happens, signals included.
    """
    destination = resolved(destination, "DIR")
    check_destination(destination, force)
    exists = destination.is_dir()
    created = [] if exists else [parent for parent in destination.parents if not parent.exists()]
    staging: Path | None = None
    placed = False
    try:
        try:
            if not exists:
                destination.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(
                tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=destination)
                if exists
                else tempfile.mkdtemp(prefix=f".{destination.name}.advisor-", dir=destination.parent)
            )
        except OSError as error:
            where = error.filename or (destination if exists else destination.parent)
            raise InputError(f"DIR: cannot write in {where}: {error.strerror or error}") from None
        rendered = render_into(plan, staging)
        files = tuple(files_under(rendered))
        with deferred():  # a signal waits until every entry is in place
            try:
                place(rendered, destination, force)
            except OSError as error:
                raise GenerationError(
                    f"placing the project in {destination} failed: {error.strerror or error}"
                    + (f" ({error.filename})" if error.filename else "")
                ) from None
        placed = True
    finally:
        with deferred():
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            if not placed:
                for parent in created:  # innermost first: the folders this run made for DIR, if still empty
                    with contextlib.suppress(OSError):
                        parent.rmdir()
    return Placed(destination, files)
