"""`trig plan`: the same tfvars as apply, one saved plan of the triggers' place, read back and summarised per trigger."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path

from orchestrator.errors import TrigError, UsageError
from orchestrator.plan_summary import RENDERERS, TriggerPlan, summarize_plan
from orchestrator.progress import step
from orchestrator.settings import Settings
from orchestrator.deploy import place_tfvars, prepare_triggers
from orchestrator.location import Location, workspace_of
from orchestrator.terraform.state import strip_instance

log = logging.getLogger(__name__)


def plan_file(settings: Settings) -> Path:
    """Where a place's saved plan goes: build output under trig's home, overwritten by every plan."""
    return settings.home / "plans" / f"{workspace_of(Location.of(settings))}.tfplan"


def trigger_part(plan: Mapping, name: str) -> dict:
    """One trigger's part of a place's plan (Terraform's JSON plan representation): its resource changes, addressed
    as if its stack were the root, and its outputs' changes as if they were root outputs."""
    def relative(change: Mapping) -> dict | None:
        address = strip_instance(str(change.get("address", "")), name)
        if address is None:
            return None
        module = strip_instance(str(change.get("module_address", "")) + ".", name) or ""
        return {**change, "address": address, "module_address": module.rstrip(".")}

    def mine(changes) -> list[dict]:
        return [part for part in map(relative, changes or []) if part is not None]

    outputs = ((plan.get("output_changes") or {}).get("triggers") or {})
    before = (outputs.get("before") or {}).get(name) or {}
    after = (outputs.get("after") or {}).get(name) or {}
    unknown = outputs.get("after_unknown") or {}
    unknown = unknown.get(name) if isinstance(unknown, Mapping) else unknown
    changed = {key: {"actions": ["update"]} for key in sorted(set(before) | set(after))
               if before.get(key) != after.get(key) or unknown is True
               or (isinstance(unknown, Mapping) and unknown.get(key))}
    return {"resource_changes": mine(plan.get("resource_changes")), "resource_drift": mine(plan.get("resource_drift")),
            "output_changes": changed}


def plan_triggers(settings: Settings, names: list[str], sets: Mapping[str, str], progress=log.info) -> list[TriggerPlan]:
    """Plan the named triggers into one saved plan of their place and summarise each trigger's part."""
    triggers, fragments, terraform = prepare_triggers(settings, names, sets, progress)
    planning = ", ".join(fragments)
    progress(f"planning {planning} at {settings.endpoint}")
    saved = plan_file(settings)
    workspace = workspace_of(Location.of(settings))
    with step(progress, f"planning {planning}", done=f"planned {planning}") as current:
        outcome = terraform.plan_to_file(workspace, place_tfvars(settings, fragments), list(fragments), saved)
        current.outcome = "changes" if outcome.changes else "no changes"
    # Reading the plan back starts Terraform and loads the provider's schema again (a third of a plan's time):
    # a plan without changes or drift has nothing to read.
    plan = terraform.show_plan(workspace, saved) if outcome.changes or outcome.drifted else {}
    return [summarize_plan(t.name, trigger_part(plan, t.name)) for t in triggers]


def render_plans(plans: list[TriggerPlan], output_format: str) -> str:
    """The plans in one of the formats: text, markdown or json."""
    try:
        renderer = RENDERERS[output_format]
    except KeyError:
        raise UsageError(f"--format {output_format!r} is not one of {', '.join(RENDERERS)}.") from None
    return renderer(plans)


def plan_and_render(settings: Settings, names: list[str], sets: Mapping[str, str], output_format: str,
                    progress=log.info) -> tuple[list[TriggerPlan], str]:
    """Plan the triggers and render the summary; an unknown format is refused before any planning."""
    render_plans([], output_format)
    plans = plan_triggers(settings, names, sets, progress=progress)
    return plans, render_plans(plans, output_format)


def write_report(text: str, out: Path, option: str = "--out") -> None:
    """Write a rendered plan to a file, creating its folder (option names the flag that chose the file)."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}; choose another {option}.") from None


@contextlib.contextmanager
def errors_exit_one(enabled: bool) -> Iterator[None]:
    """Under -detailed-exitcode 2 means "changes", so every error must exit 1, as Terraform's do."""
    try:
        yield
    except TrigError as exc:
        if enabled and exc.exit_code != 1:
            raise TrigError(str(exc)) from None
        raise
