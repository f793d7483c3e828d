"""Jinja filters that make user text safe in every generated file, and the catalogue as a global.

User text (project name, description, anything advisor passes in `_advisor`) is
printed as data, never evaluated: each output format gets its own escaping.

Globals (see README.md in this folder):
  catalog                     catalog.yaml, advisor's facts (hardware, install, tasks, formats, deploy, scales)
  install(fw, hw, os=None)    the install command for a framework on a hardware target (on that OS)
  project_formats()           every export format of this project: its target's, the framework's baseline
                              format, and the formats those are made from
  target_formats()            the formats `export` writes by default (catalog.deploy, with browser_training)
  targets_shipping(name)      the deployment targets whose projects (this framework) write format `name`
  scale_partial(path)         the partial of a scale-dependent file, or common/not_kept.txt when the
                              project's scale does not keep it (hooks/post_gen_project.py removes it)
  format_partial(name)        the same for an export format module (the framework's, else the common one)
  task_partial(path, default) the task's own version of project file `path` (<fw>/tasks/<task>/files/<path>,
                              else common/tasks/<task>/files/<path>), else `default` (the core version)
  task_file(path, keep=True)  the same for a file only some tasks have: common/not_kept.txt when the task has
                              none (or keep is false), and the hook removes it
  objective()                 the project's objective (catalog.objectives): classification, language_model, ...
"""

import functools
import re
from pathlib import Path

import yaml
from jinja2 import pass_context
from jinja2.ext import Extension

NOT_KEPT = "common/not_kept.txt"
TEMPLATES = Path(__file__).parent / "templates"

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


@functools.cache
def load_catalog() -> dict:
    """catalog.yaml beside this file: the facts advisor and the template share."""
    return yaml.safe_load((Path(__file__).parent / "catalog.yaml").read_text(encoding="utf-8"))


def install(framework: str, hardware: str, os_name: str | None = None) -> str:
    """The catalogue's install command; the OS-specific one when there is one for os_name."""
    entry = load_catalog()["install"][framework][hardware]
    return entry.get("os", {}).get(os_name, entry["command"])


def _settings(context) -> dict:
    return context["cookiecutter"]


def target_formats_of(framework: str, deploy: str, browser_training: str = "no") -> list[str]:
    """What `export` writes by default: the deployment target's formats (browser training adds its own)."""
    target = load_catalog()["deploy"][deploy]
    names = list(target["formats"][framework])
    if browser_training == "yes":
        names += target.get("browser_training", {}).get(framework, [])
    return names


def formats_of(framework: str, deploy: str, browser_training: str = "no") -> list[str]:
    """Every format the project can write: the target's, the baseline, then the formats they are made from."""
    catalog = load_catalog()
    names = [*target_formats_of(framework, deploy, browser_training), catalog["baseline_formats"][framework]]
    names += [catalog["formats"][name]["source"] for name in names if catalog["formats"][name].get("source")]
    return list(dict.fromkeys(names))


@pass_context
def project_formats(context) -> list[str]:
    cc = _settings(context)
    return formats_of(cc["framework"], cc["deploy"], cc.get("browser_training", "no"))


@pass_context
def target_formats(context) -> list[str]:
    cc = _settings(context)
    return target_formats_of(cc["framework"], cc["deploy"], cc.get("browser_training", "no"))


@pass_context
def targets_shipping(context, name: str) -> list[str]:
    """The deployment targets whose projects write format `name` in this project's framework."""
    framework = _settings(context)["framework"]
    return [target for target in load_catalog()["deploy"] if name in formats_of(framework, target, "yes")]


@pass_context
def scale_partial(context, path: str) -> str:
    cc = _settings(context)
    single_process = load_catalog()["tasks"].get(cc["task"], {}).get("single_process", False)
    if path not in load_catalog()["scales"][cc["scale"]]["keeps"] or single_process:
        return NOT_KEPT
    return f"{cc['framework']}/scale/{cc['scale']}/{path.rsplit('/', 1)[-1]}"


@pass_context
def format_partial(context, name: str) -> str:
    if name not in project_formats(context):
        return NOT_KEPT
    own = f"{_settings(context)['framework']}/export/{name}.py"
    return own if (TEMPLATES / own).is_file() else f"common/export/{name}.py"


def _task_own(cc: dict, path: str) -> str | None:
    for root in (cc["framework"], "common"):
        own = f"{root}/tasks/{cc['task']}/files/{path}"
        if (TEMPLATES / own).is_file():
            return own
    return None


@pass_context
def task_partial(context, path: str, default: str) -> str:
    return _task_own(_settings(context), path) or default


@pass_context
def task_file(context, path: str, keep: bool = True) -> str:
    own = _task_own(_settings(context), path)
    return own if own and keep else NOT_KEPT


def objective_of(task: str) -> str:
    """The objective a template task trains (catalog.objectives)."""
    for name, entry in load_catalog()["objectives"].items():
        if task in entry["tasks"]:
            return name
    raise KeyError(f"catalog.yaml: template task {task!r} is in no objective's tasks")


@pass_context
def objective(context) -> str:
    return objective_of(_settings(context)["task"])


class TextFilters(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.globals.update(
            catalog=load_catalog(),
            install=install,
            project_formats=project_formats,
            target_formats=target_formats,
            targets_shipping=targets_shipping,
            scale_partial=scale_partial,
            format_partial=format_partial,
            task_partial=task_partial,
            task_file=task_file,
            objective=objective,
        )
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
