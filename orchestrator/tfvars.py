"""A stack's inputs: its function zip built and its tfvars rendered from the Jinja template, written atomically."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from orchestrator.packaging import build_function_zip
from orchestrator.render import render_tfvars
from orchestrator.settings import Settings


def write_tfvars(settings: Settings, workspace: str, function_dir: str, handler: str, template: str,
                 values: Mapping[str, object]) -> Path:
    """Build the workspace's zip from functions/<function_dir> and render its tfvars under .trig/; returns the path.

    The file is replaced whole (written beside it, then renamed) and left untouched when the text is
    the same, so a run interrupted here never leaves half a file and an unchanged input keeps its stamp.
    """
    built = build_function_zip(settings.functions_dir / function_dir, settings.home / "build" / f"{workspace}.zip", handler)
    text = render_tfvars(settings.env_dir / "templates", template, {
        **values,
        "zip": {"path": str(built.path), "hash": built.sha256_b64},
        "endpoint": settings.endpoint,
        "region": settings.region,
        "account_id": settings.account_id,
        "template_name": template,
    })
    path = settings.home / "tfvars" / f"{workspace}.tfvars"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        temporary = path.with_suffix(".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    return path
