"""A stack's inputs: each function's part of the tfvars rendered from the Jinja templates (its function, then
each of its triggers), then the tfvars of its place (every function applied there), all written atomically."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from orchestrator.location import Location, workspace_of
from orchestrator.functions import Function
from orchestrator.packaging import BuiltZip, build_function_zip
from orchestrator.redirect import ORIGINAL_HANDLER_VARIABLE, REDIRECT_HANDLER, redirect_file
from orchestrator.render import hcl, render_tfvars
from orchestrator.settings import Settings

COMMON_TEMPLATE = "_common.tfvars.j2"
# Every trigger's function (and a probe's state bucket), rendered before its type's template.
FUNCTION_TEMPLATE = "_function.tfvars.j2"


def _replace(path: Path, text: str) -> Path:
    """Write text to path whole (beside it, then renamed); leave the file untouched when the text is the same,
    so a run interrupted here never leaves half a file and an unchanged input keeps its stamp."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        temporary = path.with_suffix(".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    return path


def fragment_path(settings: Settings, name: str) -> Path:
    """Where a trigger's part of the tfvars is kept: the inputs of its last render, and what its fingerprint reads."""
    return settings.home / "tfvars" / f"{name}.tfvars"


@dataclass(frozen=True)
class TriggerPart:
    """One trigger of a function as the tfvars hold it: its name in the function, its type's template, its values."""

    key: str
    template: str
    values: Mapping[str, object]


def write_tfvars(settings: Settings, name: str, built: BuiltZip, function: Mapping[str, object],
                 environment: Mapping[str, str], triggers: list[TriggerPart]) -> Path:
    """Render a function's part of the tfvars (the function, with its environment and zip, then each trigger from
    its type's template, under the trigger's name); returns its path."""
    place = {"endpoint": settings.endpoint, "region": settings.region, "account_id": settings.account_id}
    templates = settings.env_dir / "templates"
    head = render_tfvars(templates, FUNCTION_TEMPLATE, {
        **function, **place, "environment": dict(environment),
        "zip": {"path": str(built.path), "hash": built.sha256_b64}}).strip()
    bodies = [f"  {hcl(part.key)} = {{\n"
              + textwrap.indent(render_tfvars(templates, part.template, {**part.values, **place}).strip(), "    ")
              + "\n  }" for part in triggers]
    used = ", ".join(f"templates/{t}" for t in dict.fromkeys([FUNCTION_TEMPLATE, *(p.template for p in triggers)]))
    return _replace(fragment_path(settings, name),
                    f"# from {used}\n{head}\n\ntriggers = {{\n" + "\n".join(bodies) + "\n}\n")


def write_function_tfvars(settings: Settings, function: Function) -> Path:
    """Build a function's zip and render its part of the tfvars. A project's own function gets trig's redirect
    in front of its handler (the engine runs trig_redirect, which calls the user's handler untouched)."""
    handler, environment, extra = function.handler, dict(function.environment), None
    if function.own:
        redirect = redirect_file(function.language)
        extra = {redirect.name: redirect.read_bytes()}
        handler, environment = REDIRECT_HANDLER, {**environment, ORIGINAL_HANDLER_VARIABLE: function.handler}
    built = build_function_zip(function.source, settings.home / "build" / f"{function.name}.zip", function.handler,
                               extra, check=not function.own)
    return write_tfvars(settings, function.name, built, {**function.values, "handler": handler,
                                                         "runtime": function.runtime},
                        environment, [TriggerPart(t.key, t.type.template, t.values) for t in function.triggers])


def write_place_tfvars(settings: Settings, fragments: Mapping[str, Path], path: Path | None = None) -> Path:
    """The tfvars of the settings' place: its endpoint, region and account, and each named trigger's part
    (written to path when given, else beside the parts as `<account>-<region>.tfvars`)."""
    text = render_tfvars(settings.env_dir / "templates", COMMON_TEMPLATE, {
        "endpoint": settings.endpoint,
        "region": settings.region,
        "account_id": settings.account_id,
        "triggers": {name: path.read_text(encoding="utf-8").strip() for name, path in sorted(fragments.items())},
    })
    return _replace(path or settings.home / "tfvars" / f"{workspace_of(Location.of(settings))}.tfvars", text)
