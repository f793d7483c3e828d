"""YAML loading that remembers the line of every mapping, so validation can say file:line."""

from pathlib import Path

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A dict that knows the (1-based) line it started on."""

    line: int = 0


class _LineLoader(_BaseLoader):
    pass


def _construct_mapping(loader, node):
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path):
    """Parse one YAML (or JSON) file; mappings come back as LineDict. Raises yaml.YAMLError or OSError."""
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_LineLoader)


def line_of(value, default: int = 0) -> int:
    return getattr(value, "line", default)


def describe_yaml_error(path, error: yaml.YAMLError) -> str:
    """`file:line: not valid YAML: problem` from a PyYAML error."""
    mark = getattr(error, "problem_mark", None)
    line = f":{mark.line + 1}" if mark is not None else ""
    problem = getattr(error, "problem", None) or "cannot parse"
    return f"{path}{line}: not valid YAML: {problem}"
