"""Where the built-in rules and templates live, in a source checkout and in an installed wheel."""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    # A wheel ships them inside the package (advisor/_data/NAME); a checkout keeps them at the top level.
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"advisor's built-in '{name}' folder is missing: reinstall advisor")


def rules_dir() -> Path:
    return _data_dir("rules")


def templates_dir() -> Path:
    return _data_dir("templates")


def catalog_path() -> Path:
    """The catalogue of facts, which the template reads too (templates/project/catalog.yaml)."""
    return templates_dir() / "project" / "catalog.yaml"
