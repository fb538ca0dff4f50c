"""Rendering of tfvars from the Jinja templates beside the Terraform root, and parsing of --set values."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import jinja2

from orchestrator.errors import UsageError

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_SIMPLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def hcl_string(text: str) -> str:
    """Quote text as an HCL string literal that Terraform reads back as exactly the same text."""
    out = []
    for index, char in enumerate(text):
        following = text[index + 1 : index + 2]
        if char in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        elif char in "$%" and following == "{":
            # "${" and "%{" open template sequences; doubling the sign makes them literal.
            out.append(char + char)
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def hcl(value: object) -> str:
    """Render a Python value as an HCL expression (the `hcl` filter of every template)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return hcl_string(value)
    if isinstance(value, Mapping):
        items = (f"{_hcl_key(str(k))} = {hcl(v)}" for k, v in value.items())
        return "{ " + ", ".join(items) + " }" if value else "{}"
    if isinstance(value, Iterable):
        return "[" + ", ".join(hcl(v) for v in value) + "]"
    raise TypeError(f"cannot render {type(value).__name__} as HCL")


def _hcl_key(key: str) -> str:
    return key if _IDENTIFIER.match(key) else hcl_string(key)


def make_environment(template_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["hcl"] = hcl
    return env


def render_tfvars(template_dir: Path, template_name: str, values: Mapping[str, object]) -> str:
    """Render one trigger's tfvars; a template error becomes a one-line UsageError."""
    env = make_environment(template_dir)
    try:
        return env.get_template(template_name).render(**values)
    except jinja2.TemplateNotFound:
        raise UsageError(f"template {template_name} not found in {template_dir}: restore it from git.") from None
    except jinja2.TemplateError as exc:
        location = f"{template_name}:{exc.lineno}" if getattr(exc, "lineno", None) else template_name
        raise UsageError(f"template {location} failed to render: {exc.message}; fix the template.") from None


def parse_set_options(pairs: Iterable[str], option: str = "--set") -> dict[str, str]:
    """Turn NAME=VALUE strings into a dict; the value is kept exactly as typed (it may hold '=' too)."""
    result: dict[str, str] = {}
    example = "greeting=hi" if option == "--set" else "name=lambda"
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"{option} {pair!r} is not NAME=VALUE: write it as {option} {example}.")
        result[name.strip()] = value
    return result
