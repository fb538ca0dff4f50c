"""A stack's inputs: each trigger's function zip built and its part of the tfvars rendered from its Jinja
template, then the tfvars of its place (every trigger applied there), all written atomically."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from orchestrator.location import Location, workspace_of
from orchestrator.packaging import build_function_zip
from orchestrator.render import render_tfvars
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


def write_tfvars(settings: Settings, name: str, function_dir: str, handler: str, template: str,
                 values: Mapping[str, object], environment: Mapping[str, str]) -> Path:
    """Build the trigger's zip from functions/<function_dir> and render its part of the tfvars (its function,
    with environment, then its type's template); returns its path."""
    built = build_function_zip(settings.functions_dir / function_dir, settings.home / "build" / f"{name}.zip", handler)
    context = {
        **values,
        "environment": dict(environment),
        "zip": {"path": str(built.path), "hash": built.sha256_b64},
        "endpoint": settings.endpoint,
        "region": settings.region,
        "account_id": settings.account_id,
    }
    parts = [render_tfvars(settings.env_dir / "templates", t, context).strip() for t in (FUNCTION_TEMPLATE, template)]
    return _replace(fragment_path(settings, name), f"# from templates/{FUNCTION_TEMPLATE} and templates/{template}\n"
                                                  + "\n\n".join(parts) + "\n")


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
