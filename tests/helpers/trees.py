"""Helpers for tests that inspect generated trees."""

import tomllib
from pathlib import Path

TEXT_SUFFIXES = {".py", ".md", ".toml", ".yaml", ".yml", ".sh", ".sbatch", ".txt", ".cfg", ""}


def project_files(root: Path) -> list[Path]:
    """The files of a generated project, without the git repository advisor new makes of it."""
    return [p for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.relative_to(root).parts[:1]]


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in project_files(root)}


def check_tree(root: Path) -> list[str]:
    """Problems in a generated tree: template leftovers, broken TOML, Python that does not compile."""
    problems = []
    for path in project_files(root):
        if path.suffix not in TEXT_SUFFIXES:
            continue
        text = path.read_text(encoding="utf-8")
        for marker in ("{{", "{%", "{#", "cookiecutter."):
            if marker in text:
                problems.append(f"{path.relative_to(root)}: template leftover {marker!r}")
        if path.suffix == ".py":
            try:
                compile(text, str(path), "exec")
            except SyntaxError as error:
                problems.append(f"{path.relative_to(root)}: {error}")
    try:
        tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        problems.append(f"pyproject.toml: {error}")
    return problems
