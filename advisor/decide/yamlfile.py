"""YAML loading for rule files and for files users point at, bounded against hostile input.

Both readers refuse what no honest file needs: aliases (`*name`, the billion-laughs bomb), duplicate
mapping keys (one of them would be dropped silently), nesting deeper than MAX_DEPTH, bytes that are not
UTF-8, and files that are not regular files or are larger than a cap (a FIFO or /dev/zero never hangs or
exhausts memory). Every refusal names `file:line`.

Rule files keep YAML's types (weights are numbers); mappings come back as LineDict, which remembers its
line, so validation can say file:line. Files users point at (`--answers`, a project record) take every
scalar as text (`description: yes` stays "yes", `012` stays "012", `12:30:00` stays "12:30:00"); only a
plain `null`, `~` or an empty value reads as None (absent).

PyYAML is imported only when a file is parsed: a cached rule set needs no YAML at all.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from advisor.files import FileRefused, read_regular_file
from advisor.text import shorten

MAX_DEPTH = 50  # nested mappings/lists; real rule files use fewer than 10
MAX_RULE_FILE_BYTES = 4 * 1024 * 1024
MAX_USER_FILE_BYTES = 1024 * 1024


class LineDict(dict[Any, Any]):
    """A dict that knows the (1-based) line it started on."""

    line: int = 0


class YamlProblem(Exception):
    """A file that cannot be used; the message is `file:line: problem`."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.line = line


class _Refused(Exception):
    """Raised inside the loader; turned into a YamlProblem naming the file."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


_INT_TAG, _FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_DECIMAL_INT = re.compile(r"^[-+]?[0-9]+$")
_DECIMAL_FLOAT = re.compile(
    r"^(?:[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


def line_of(value: object, default: int = 0) -> int:
    line = getattr(value, "line", default)
    return line if isinstance(line, int) else default


def kind_of(value: object) -> str:
    """'a list', 'a mapping', 'a number'...: what a value is, for `must be text, got ...` messages."""
    if isinstance(value, bool):
        return f"a boolean ({'yes' if value else 'no'})"
    if isinstance(value, (int, float)):
        return f"a number ({shorten(value)})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple, set)):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, str):
        return "text"
    import datetime

    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"a date ({shorten(str(value))})"
    return f"a {type(value).__name__}"


def read_bounded(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; FileRefused or OSError otherwise (advisor.files)."""
    return read_regular_file(path, limit)


def decode(data: bytes, path: Path | str) -> str:
    """UTF-8 text (a leading byte-order mark dropped); YamlProblem `file:line: not UTF-8` otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise YamlProblem(
            f"{path}:{line}: not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); save it as UTF-8",
            line,
        ) from None


def parse_rules_text(text: str, path: Path | str) -> Any:
    """Parse rule-file text with YAML types; mappings come back as LineDict. Raises YamlProblem."""
    return _parse(text, path, _loaders()[0], "not valid YAML")


def parse_user_text(text: str, path: Path | str) -> Any:
    """Parse a user's file with every scalar as text (null as None). Raises YamlProblem."""
    return _parse(text, path, _loaders()[1], "is not valid YAML or JSON")


def load_yaml(path: Path) -> Any:
    """Parse one rule (YAML or JSON) file. Raises YamlProblem (file:line: problem) or OSError."""
    try:
        data = read_bounded(path, MAX_RULE_FILE_BYTES)
    except FileRefused as refused:
        raise YamlProblem(f"{path}:1: {refused}", 1) from None
    return parse_rules_text(decode(data, path), path)


def read_user_yaml(path: Path, field: str, missing: str) -> Any:
    """Parse a YAML/JSON file the user points at; every failure is one InputError line starting `field: `.

    `missing` is the message for a file that does not exist (it says what the user should have given).
    Scalars come back as text (or None for null); mappings as LineDict.
    """
    from advisor.errors import InputError

    try:
        data = read_bounded(path, MAX_USER_FILE_BYTES)
    except FileNotFoundError:
        raise InputError(f"{field}: {missing}") from None
    except FileRefused as refused:
        raise InputError(f"{field}: {path} {refused}") from None
    except OSError as error:
        raise InputError(f"{field}: cannot read {path}: {error.strerror or error}") from None
    try:
        return parse_user_text(decode(data, path), path)
    except YamlProblem as problem:
        raise InputError(f"{field}: {problem}") from None


def _parse(text: str, path: Path | str, loader_class: Any, invalid: str) -> Any:
    import yaml

    loader = loader_class(text)
    try:
        return loader.get_single_data()
    except _Refused as refused:
        raise YamlProblem(f"{path}:{refused.line}: {refused}", refused.line) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = error.problem or error.context or "cannot parse"
        raise YamlProblem(f"{path}:{line}: {invalid}: {shorten(problem)}", line) from None
    except yaml.reader.ReaderError as error:
        line = text[: max(error.position, 0)].count("\n") + 1
        raise YamlProblem(f"{path}:{line}: {invalid}: {shorten(error.reason)}", line) from None
    except yaml.YAMLError as error:
        raise YamlProblem(f"{path}:1: {invalid}: {shorten(str(error))}", 1) from None
    except RecursionError:
        raise YamlProblem(f"{path}:1: nested too deeply", 1) from None
    except (ValueError, TypeError, AttributeError, ArithmeticError, LookupError) as error:
        # An explicit tag with a value it cannot take (`!!int x`, `!!timestamp x`), an integer too long...
        raise YamlProblem(f"{path}:1: {invalid}: {shorten(str(error))}", 1) from None
    finally:
        loader.dispose()


_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")


@functools.cache
def _loaders() -> tuple[type, type]:
    """(rule loader, user-file loader): the C parser where available, a guarded composer, own constructors."""
    import yaml
    from yaml.composer import Composer
    from yaml.constructor import ConstructorError, SafeConstructor
    from yaml.events import AliasEvent
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode
    from yaml.resolver import BaseResolver, Resolver

    class GuardedComposer(Composer):
        """Refuses aliases and nesting deeper than MAX_DEPTH before anything is built."""

        _depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(AliasEvent):  # type: ignore[attr-defined]
                event = self.peek_event()  # type: ignore[attr-defined]
                raise _Refused("aliases (*name) are not allowed", event.start_mark.line + 1)
            self._depth += 1
            try:
                if self._depth > MAX_DEPTH:
                    event = self.peek_event()  # type: ignore[attr-defined]
                    raise _Refused(f"nested more than {MAX_DEPTH} levels deep", event.start_mark.line + 1)
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

    def construct_mapping(loader: Any, node: Any, deep: bool = True) -> LineDict:
        if not isinstance(node, MappingNode):
            raise ConstructorError(None, None, f"expected a mapping node, but found {node.id}", node.start_mark)
        if isinstance(loader, SafeConstructor):
            loader.flatten_mapping(node)
        mapping = LineDict()
        mapping.line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise ConstructorError(
                    "while constructing a mapping", node.start_mark, "found an unhashable key", key_node.start_mark
                ) from None
            if key in mapping:
                raise _Refused(f"duplicate key '{shorten(str(key))}'", key_node.start_mark.line + 1)
            mapping[key] = loader.construct_object(value_node, deep=True)
        return mapping

    class RuleConstructor(SafeConstructor):
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            return construct_mapping(self, node, deep)

    RuleConstructor.add_constructor(BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    # Decimal only: YAML 1.1 would read 010 as 8 and 0x10, 1_0 or 1:30 as numbers too.
    RuleConstructor.add_constructor(_INT_TAG, lambda loader, node: int(node.value, 10))

    class RuleResolver(BaseResolver):
        """YAML 1.1's implicit types (yes/no are booleans, dates are dates), but numbers only in decimal."""

    RuleResolver.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag not in (_INT_TAG, _FLOAT_TAG)]
        for first, resolvers in Resolver.yaml_implicit_resolvers.items()
    }
    RuleResolver.add_implicit_resolver(_INT_TAG, _DECIMAL_INT, list("-+0123456789"))
    RuleResolver.add_implicit_resolver(_FLOAT_TAG, _DECIMAL_FLOAT, list("-+0123456789."))

    class TextConstructor(yaml.constructor.BaseConstructor):
        """Every scalar as its text whatever its tag; null (resolved or tagged) as None."""

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            return construct_mapping(self, node, deep)

    def construct_any(loader: Any, node: Any) -> Any:
        if isinstance(node, ScalarNode):
            return None if node.tag == "tag:yaml.org,2002:null" else str(node.value)
        if isinstance(node, SequenceNode):
            return [loader.construct_object(item, deep=True) for item in node.value]
        return construct_mapping(loader, node)

    TextConstructor.add_constructor(None, construct_any)

    class NullOnlyResolver(BaseResolver):
        pass

    NullOnlyResolver.add_implicit_resolver("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""])

    try:
        from yaml._yaml import CParser  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:  # no libyaml: the pure-Python reader, scanner and parser
        from yaml.parser import Parser
        from yaml.reader import Reader
        from yaml.scanner import Scanner

        class PyParser(Reader, Scanner, Parser):
            def __init__(self, stream: Any) -> None:
                Reader.__init__(self, stream)
                Scanner.__init__(self)
                Parser.__init__(self)

        parser: type = PyParser
    else:
        parser = CParser

    def make(constructor: type, resolver: type) -> type:
        def __init__(self: Any, stream: Any) -> None:
            parser.__init__(self, stream)  # type: ignore[misc]
            GuardedComposer.__init__(self)
            constructor.__init__(self)  # type: ignore[misc]
            resolver.__init__(self)  # type: ignore[misc]

        return type("Loader", (GuardedComposer, parser, constructor, resolver), {"__init__": __init__})

    return make(RuleConstructor, RuleResolver), make(TextConstructor, NullOnlyResolver)
