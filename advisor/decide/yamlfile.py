"""YAML loading that remembers the line of every mapping, so validation can say file:line.

PyYAML is imported only when a file is parsed: a cached rule set needs no YAML at all.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml


class LineDict(dict[Any, Any]):
    """A dict that knows the (1-based) line it started on."""

    line: int = 0


class YamlProblem(Exception):
    """A file that is not valid YAML; the message is `file:line: not valid YAML: problem`."""


def line_of(value: object, default: int = 0) -> int:
    line = getattr(value, "line", default)
    return line if isinstance(line, int) else default


@functools.cache
def _line_loader() -> type[yaml.SafeLoader]:
    import yaml

    # The C loader is several times faster; both build the same objects.
    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class LineLoader(base):  # type: ignore[valid-type,misc]
        pass

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
        mapping = LineDict(loader.construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        return mapping

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    loader: type[yaml.SafeLoader] = LineLoader
    return loader


def load_yaml(path: Path) -> Any:
    """Parse one YAML (or JSON) file; mappings come back as LineDict. Raises YamlProblem or OSError."""
    import yaml

    with open(path, encoding="utf-8") as handle:
        try:
            return yaml.load(handle, Loader=_line_loader())  # a SafeLoader subclass: no arbitrary objects
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = f":{mark.line + 1}" if mark is not None else ""
            problem = getattr(error, "problem", None) or "cannot parse"
            raise YamlProblem(f"{path}{line}: not valid YAML: {problem}") from None


def read_user_yaml(path: Path, field: str, missing: str) -> Any:
    """Parse a YAML/JSON file the user points at; every failure is one InputError line starting `field: `.

    `missing` is the message for a file that does not exist (it says what the user should have given).
    """
    import yaml

    from advisor.errors import InputError

    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{field}: {missing}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{field}: cannot read {path}: {getattr(error, 'strerror', None) or error}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise InputError(f"{field}: {path} is not valid YAML or JSON{where}") from None
