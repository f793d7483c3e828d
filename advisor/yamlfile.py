"""YAML loading that remembers the line of every mapping, so validation can say file:line.

PyYAML is imported only when a file is parsed: a cached rule set needs no YAML at all.
"""

import functools
from pathlib import Path


class LineDict(dict):
    """A dict that knows the (1-based) line it started on."""

    line: int = 0


class YamlProblem(Exception):
    """A file that is not valid YAML; the message is `file:line: not valid YAML: problem`."""


def line_of(value, default: int = 0) -> int:
    return getattr(value, "line", default)


@functools.cache
def _line_loader():
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class LineLoader(base):
        pass

    def construct_mapping(loader, node):
        mapping = LineDict(loader.construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        return mapping

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return LineLoader


def load_yaml(path: Path):
    """Parse one YAML (or JSON) file; mappings come back as LineDict. Raises YamlProblem or OSError."""
    import yaml

    with open(path, encoding="utf-8") as handle:
        try:
            return yaml.load(handle, Loader=_line_loader())
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = f":{mark.line + 1}" if mark is not None else ""
            problem = getattr(error, "problem", None) or "cannot parse"
            raise YamlProblem(f"{path}{line}: not valid YAML: {problem}") from None
