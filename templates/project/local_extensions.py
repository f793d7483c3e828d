"""Jinja filters that make user text safe in every generated file.

User text (project name, description, anything advisor passes in `_advisor`) is
printed as data, never evaluated: each output format gets its own escaping.
"""

import re

from jinja2.ext import Extension

# Characters that start Markdown or HTML markup anywhere in a line; others matter only at its start.
_MD_INLINE = set("\\`*_[]|~")
_MD_LINE_START = re.compile(r"^(\s*\d*)([#>+\-=]|(?<=\d)[.)](?=\s|$))")
_MD_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}
_SIMPLE_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def quoted(value) -> str:
    """A double-quoted string literal valid in TOML, YAML and Python alike.

    Like json.dumps(ensure_ascii=True), but characters outside the BMP use the
    8-digit \\U escape, because TOML rejects JSON's surrogate pairs.
    """
    out = ['"']
    for ch in str(value):
        code = ord(ch)
        if ch in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[ch])
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif 0xD800 <= code <= 0xDFFF:  # lone surrogate: not encodable anywhere
            out.append("\\ufffd")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def markdown(value) -> str:
    """Text that Markdown (and the HTML inside it) shows literally, escaped no more than needed."""
    text = " ".join(str(value).splitlines())  # one line: no accidental headings/lists
    text = "".join("\\" + ch if ch in _MD_INLINE else ch for ch in text)
    text = _MD_ENTITY_LIKE.sub("&amp;", text).replace("<", "&lt;")
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def md_link(value) -> str:
    """A source: a clickable autolink when it is a plain http(s) URL, else escaped text."""
    text = str(value).strip()
    if re.fullmatch(r"https?://[^\s<>`\\\"']+", text):
        return f"<{text}>"
    return markdown(text)


def yaml_key(value) -> str:
    """A YAML mapping key: bare when it is a plain identifier, quoted otherwise."""
    text = str(value)
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", text) and text.lower() not in _YAML_WORDS:
        return text
    return quoted(text)


def slug(value) -> str:
    """Directory/distribution name: lowercase, runs of non-alphanumerics -> '-'."""
    text = re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")
    return text or "project"


def package_name(value) -> str:
    """Importable package name derived from the slug."""
    name = re.sub(r"[^a-z0-9_]+", "_", slug(value).replace("-", "_"))
    return name if name[0].isalpha() else "p_" + name


class TextFilters(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.filters.update(
            toml_str=quoted,
            yaml_str=quoted,
            py_str=quoted,
            md=markdown,
            md_link=md_link,
            yaml_key=yaml_key,
            slug=slug,
            package_name=package_name,
        )
