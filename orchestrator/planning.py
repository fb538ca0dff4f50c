"""`trig plan`: the same tfvars as apply, a saved plan per trigger, read back and summarised."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path

from orchestrator.errors import TrigError, UsageError
from orchestrator.plan_summary import RENDERERS, TriggerPlan, detailed_exit_code, summarize_plan  # noqa: F401 (for the CLI)
from orchestrator.progress import step
from orchestrator.settings import Settings
from orchestrator.deploy import prepare_triggers
from orchestrator.parallel import in_parallel
from orchestrator.triggers.base import Trigger

log = logging.getLogger(__name__)


def plan_file(settings: Settings, trigger: Trigger) -> Path:
    """Where a trigger's saved plan goes: build output under trig's home, overwritten by every plan."""
    return settings.home / "plans" / f"{trigger.name}.tfplan"


def plan_triggers(settings: Settings, names: list[str], sets: Mapping[str, str], progress=log.info) -> list[TriggerPlan]:
    """Plan the named triggers into saved plans (in parallel: their states are separate) and summarise each."""
    triggers, var_files, terraform = prepare_triggers(settings, names, sets, progress)
    progress(f"planning {', '.join(var_files)} at {settings.endpoint}")

    def plan_one(trigger: Trigger) -> TriggerPlan:
        saved = plan_file(settings, trigger)
        with step(progress, f"planning {trigger.name}", done=f"planned {trigger.name}") as current:
            changes = terraform.plan_to_file(trigger.name, var_files[trigger.name], saved)
            current.outcome = "changes" if changes else "no changes"
        return summarize_plan(trigger.name, terraform.show_plan(trigger.name, saved))

    return in_parallel(triggers, plan_one)


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


def write_report(text: str, out: Path) -> None:
    """Write a rendered plan to a file, creating its folder."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}; choose another --out.") from None


@contextlib.contextmanager
def errors_exit_one(enabled: bool) -> Iterator[None]:
    """Under -detailed-exitcode 2 means "changes", so every error must exit 1, as Terraform's do."""
    try:
        yield
    except TrigError as exc:
        if enabled and exc.exit_code != 1:
            raise TrigError(str(exc)) from None
        raise
