"""apply and destroy of triggers, each in its own workspace, in parallel: plain functions the CLI calls."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path

from orchestrator import emulator, wiring
from orchestrator.aws import ClientFactory, make_client
from orchestrator.errors import EmulatorError, TerraformError, TerraformStopped, TrigError
from orchestrator.fingerprint import forget_fingerprint, input_fingerprint, record_fingerprint, recorded_fingerprint
from orchestrator.location import (
    Location, destroy_location, forget_location, placed_workspaces, record_location, refuse_applied_elsewhere,
)
from orchestrator.locks import workspace_lock
from orchestrator.lost_answers import LostCreate, created_since, lost_creates
from orchestrator.parallel import in_parallel
from orchestrator.preflight import check_endpoint_coverage
from orchestrator.progress import step
from orchestrator.set_values import check_sets, merge_config_sets, values_for
from orchestrator.settings import STARTED_BY_TRIG_UP, Settings
import orchestrator.terraform.state as tfstate
from orchestrator.terraform.adapter import TerraformAdapter
from orchestrator.terraform.diagnostics import change_counts
from orchestrator.tfvars import write_tfvars
from orchestrator.triggers import REGISTRY, select_triggers
from orchestrator.triggers.base import Trigger

log = logging.getLogger(__name__)


def _quiet(message: str) -> None:
    log.info(message)


def trigger_tfvars(settings: Settings, trigger: Trigger, sets: Mapping[str, str]) -> Path:
    """Build the trigger's zip and render its tfvars (defaults, then the --set values that apply to it)."""
    return write_tfvars(settings, trigger.name, trigger.function_dir, trigger.handler, trigger.template,
                        values_for(trigger, sets))


def require_emulator(settings: Settings) -> None:
    """Fail fast, in seconds, when nothing answers at the endpoint."""
    emulator.require_healthy(settings.endpoint)


def emulator_for_run(settings: Settings, names: list[str], progress=_quiet) -> Settings:
    """The settings `trig run` works with: as they are when an emulator answers; else, when the user named
    no endpoint, those of a MiniStack started now; an endpoint the user named (flag, env, config) must answer."""
    refuse_misplaced(settings, names)  # before starting anything, and before asking the endpoint
    if emulator.is_healthy(settings.endpoint):
        return settings
    source = settings.sources.get("endpoint", "default")
    if source != "default" and not source.startswith(STARTED_BY_TRIG_UP):
        raise EmulatorError(emulator.unreachable_message(settings.endpoint))
    record, _ = emulator.start(settings.home)
    progress(f"started MiniStack at {record.endpoint}")
    return dataclasses.replace(settings, endpoint=record.endpoint,
                               sources={**settings.sources, "endpoint": "emulator started by trig run"})


def init_terraform(terraform: TerraformAdapter, progress=_quiet) -> bool:
    """terraform init when the sources changed (shown as a step when it runs); True if it ran."""
    with step(progress, "terraform init (when the sources changed)") as current:
        ran = terraform.ensure_init()
        if ran:
            current.done = "initialised Terraform"
        return ran


def counts_text(counts: Mapping[str, int]) -> str:
    """`7 added, 0 changed, 0 destroyed`, as apply prints per trigger."""
    return f"{counts['added']} added, {counts['changed']} changed, {counts['destroyed']} destroyed"


def prepare_triggers(settings: Settings, names: list[str], sets: Mapping[str, str],
                     progress=_quiet) -> tuple[list[Trigger], dict[str, Path], TerraformAdapter]:
    """What apply and plan both do first: check the request, render the tfvars, find the emulator, init."""
    triggers = select_triggers(names)
    check_sets(triggers, sets, REGISTRY.values())
    sets = merge_config_sets(settings, triggers, sets)
    check_endpoint_coverage(settings.env_dir)  # before anything is written or started
    refuse_misplaced(settings, names)
    var_files = {t.name: trigger_tfvars(settings, t, sets) for t in triggers}
    require_emulator(settings)
    terraform = TerraformAdapter(settings)
    init_terraform(terraform, progress)
    return triggers, var_files, terraform


def refuse_misplaced(settings: Settings, names: list[str]) -> None:
    """Refuse triggers whose resources are at another region, account or live emulator than the settings name."""
    workspaces = [t.name for t in select_triggers(names)]
    refuse_applied_elsewhere(settings, placed_workspaces(settings, workspaces), emulator.is_healthy)


def unchanged_and_present(settings: Settings, trigger: Trigger, var_file: Path, progress=_quiet) -> bool:
    """True when the inputs are those of the last successful apply and every resource of the state is in the emulator."""
    if recorded_fingerprint(settings, trigger.name) != input_fingerprint(settings, var_file):
        return False
    resources = tfstate.workspace_resources(settings.home, trigger.name)
    if not resources:
        return False
    try:
        presence = wiring.find_missing(resources, ClientFactory(settings))
    except wiring.PresenceCheckError as exc:
        log.info("%s: %s; running Terraform", trigger.name, exc)
        return False
    if presence.missing:
        progress(f"{trigger.name}: missing from the emulator: {', '.join(presence.missing)}; running Terraform to repair it")
    return presence.complete


def apply_triggers(settings: Settings, names: list[str], sets: Mapping[str, str], progress=_quiet,
                   refresh: bool = False) -> dict[str, dict[str, int]]:
    """Render and apply the named triggers, each in its own workspace; returns each one's change counts.

    A trigger whose inputs are unchanged since its last successful apply, and whose resources
    are still in the emulator, is not handed to Terraform again unless refresh is set
    (drift made behind trig's back is then found by `trig plan` and repaired with --refresh).
    """
    triggers, var_files, terraform = prepare_triggers(settings, names, sets, progress)
    progress(f"applying {', '.join(var_files)} at {settings.endpoint}")
    slowest = slowest_to_apply(triggers)

    def apply_one(trigger: Trigger) -> dict[str, int]:
        var_file = var_files[trigger.name]
        with workspace_lock(settings, trigger.name), step(progress, f"applying {trigger.name}", done=f"applied {trigger.name}") as current:
            record_location(settings, trigger.name)  # before Terraform makes anything, so nothing is made untracked
            if not refresh and unchanged_and_present(settings, trigger, var_file, progress):
                current.outcome = "inputs unchanged and resources present, Terraform skipped"
                return {"added": 0, "changed": 0, "destroyed": 0, "skipped": 1}
            forget_fingerprint(settings, trigger.name)
            counts = apply_recovering(settings, terraform, trigger, var_file,
                                      yield_cpu=slowest is not None and trigger is not slowest)
            record_fingerprint(settings, trigger.name, input_fingerprint(settings, var_file))
            current.outcome = counts_text(counts)
            return counts

    return dict(zip((t.name for t in triggers), in_parallel(triggers, apply_one)))


def apply_recovering(settings: Settings, terraform: TerraformAdapter, trigger: Trigger, var_file: Path,
                     yield_cpu: bool = False) -> dict[str, int]:
    """terraform apply of one trigger, recovering from an answer the emulator lost; returns the change counts.

    A create whose answer was lost either stalls (the watch stops Terraform) or is retried by the
    provider into "already exists". The first is applied again; the second, when this apply made the
    resource, is imported into the state and applied again. Each recovery says so in one line.
    """
    started = datetime.now(timezone.utc)
    tracked_before = len(terraform.state_resources(trigger.name))
    for attempt in range(_RECOVERIES + 1):
        last = attempt == _RECOVERIES
        try:
            counts = change_counts(terraform.apply(trigger.name, var_file, yield_cpu=yield_cpu))
            if attempt:
                # Added by the whole command, interrupted attempts and imports included: the resources
                # now tracked that were not before, plus those replaced (destroyed, then added).
                tracked = len(terraform.state_resources(trigger.name))
                counts["added"] = tracked - tracked_before + counts["destroyed"]
            return counts
        except TerraformError as failed:
            stopped = isinstance(failed, TerraformStopped)
            if (stopped and failed.endpoint_died) or last:
                raise
            lost = lost_creates(failed.stderr)
            if not lost and not stopped:
                raise
            if stopped:
                log.warning("%s: %s; Terraform stopped", trigger.name, failed.reason)
            if lost:
                adopt_lost_creates(settings, terraform, trigger, var_file, lost, started)
    raise AssertionError("unreachable")  # the last attempt returns or raises


# How many times one apply recovers from a lost answer before it reports the failure.
_RECOVERIES = 2


def adopt_lost_creates(settings: Settings, terraform: TerraformAdapter, trigger: Trigger, var_file: Path,
                       lost: list[LostCreate], started: datetime) -> None:
    """Import resources the failed apply created but never heard of; refuse any the apply did not create."""
    def clients(service: str):
        return make_client(service, settings)

    own_functions = frozenset(str(r.attributes.get("function_name")) for r in
                              tfstate.workspace_resources(settings.home, trigger.name) or [] if r.type == "aws_lambda_function")
    foreign = [item for item in lost if not created_since(clients, item, started, own_functions)]
    if foreign:
        item = foreign[0]
        raise TrigError(f"{item.address} ({item.import_id}) already exists in the emulator at {settings.endpoint}, "
                        f"made before this apply, so trig does not adopt it: delete it, or rename it with --set, "
                        f"then run `trig apply {trigger.name}` again.")
    for item in lost:
        terraform.import_resource(trigger.name, var_file, item.address, item.import_id)
    log.warning("%s: the emulator created %s but its answer was lost; imported into the state, applying again",
                trigger.name, ", ".join(f"{item.address} ({item.import_id})" for item in lost))


def slowest_to_apply(triggers: list[Trigger]) -> Trigger | None:
    """The trigger whose apply sets the wall time of a parallel apply; the others yield the CPU to it.

    Its critical path is CPU-bound only at the start (Terraform and the provider loading), then it
    waits inside the provider: run at full priority, it starts its long wait first. None for one trigger.
    """
    return max(triggers, key=lambda t: t.provider_wait_seconds) if len(triggers) > 1 else None


def destroy_triggers(settings: Settings, names: list[str], progress=_quiet) -> list[str]:
    """Destroy the named triggers' resources where their states say they are; a trigger never applied is skipped.

    --region, --account and --endpoint do not move a destroy: each state is destroyed at the
    location recorded for it, unless that was another emulator that no longer answers (its
    resources went with it), where the state is cleared against the current endpoint.
    """
    triggers = select_triggers(names)
    placed = placed_workspaces(settings, [t.name for t in triggers])
    terraform = TerraformAdapter(settings)
    applied = [t for t in triggers if t.name in placed or terraform.state_resources(t.name)]
    here = Location.of(settings)
    where = {t.name: destroy_location(settings, t.name, placed.get(t.name, here), emulator.is_healthy) for t in applied}
    for endpoint in dict.fromkeys(location.endpoint for location in where.values()):
        require_emulator(dataclasses.replace(settings, endpoint=endpoint))
    var_files = {t.name: trigger_tfvars(where[t.name].settings(settings), t, {}) for t in applied}
    if applied and all(location == here for location in where.values()):
        progress(f"destroying {', '.join(t.name for t in applied)} at {settings.endpoint}")
    elif applied:
        progress(f"destroying {', '.join(f'{t.name} {where[t.name].describe(endpoint=True)}' for t in applied)}")

    def destroy_one(trigger: Trigger) -> str:
        with workspace_lock(settings, trigger.name), step(progress, f"destroying {trigger.name}", done=f"destroyed {trigger.name}"):
            forget_fingerprint(settings, trigger.name)
            # The watch probes the endpoint the state lives at, which a destroy may not share with --endpoint.
            output = TerraformAdapter(where[trigger.name].settings(settings)).destroy(trigger.name, var_files[trigger.name])
            if not terraform.state_resources(trigger.name):
                forget_location(settings, trigger.name)
            return output

    in_parallel(applied, destroy_one)
    return [t.name for t in applied]
