"""apply and destroy of triggers: one Terraform run per place (its workspace holds every trigger applied
there), targeting the named triggers only; plain functions the CLI calls."""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path

from orchestrator import emulator, wiring
from orchestrator.aws import kept_clients, make_client
from orchestrator.errors import EmulatorError, TerraformError, TerraformStopped, TrigError
from orchestrator.fingerprint import forget_fingerprint, input_fingerprint, record_fingerprint, recorded_fingerprint
from orchestrator.location import (
    Location, destroy_location, forget_location, placed_triggers, record_location, recorded_location,
    refuse_applied_elsewhere, refuse_legacy_states, resources_of, workspace_of,
)
from orchestrator.locks import workspace_lock
from orchestrator.lost_answers import (
    LostCreate, created_since, lost_creates, remove_duplicate_mappings, remove_lost_create, with_rest_api,
)
from orchestrator.parallel import in_parallel, one_error
from orchestrator.preflight import check_endpoint_coverage
from orchestrator.progress import step
from orchestrator.settings import STARTED_BY_TRIG_UP, Settings
from orchestrator.sharding import Shard, apply_seconds, record_apply_seconds, share_of
from orchestrator.terraform.adapter import TerraformAdapter
from orchestrator.terraform.diagnostics import completed, counts_by_trigger, counts_text, creation_seconds
from orchestrator.terraform.state import instance_prefix
from orchestrator.functions import Function, catalogue, chosen_functions, undeclared_applied
from orchestrator.tfvars import fragment_path, write_function_tfvars, write_place_tfvars

log = logging.getLogger(__name__)


def _quiet(message: str) -> None:
    log.info(message)


def require_emulator(settings: Settings) -> None:
    """Fail fast, in seconds, when nothing answers at the endpoint."""
    emulator.require_healthy(settings.endpoint)


def emulator_for_run(settings: Settings, names: list[str], progress=_quiet) -> Settings:
    """The settings `trig run` works with: as they are when an emulator answers; else, when the user named
    no endpoint, those of a MiniStack started now; an endpoint the user named (flag, env, config) must answer."""
    if names:  # a team's root (`run --root`) names none: where it was applied is its own record's
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


def prepare_triggers(settings: Settings, names: list[str], sets: Mapping[str, str],
                     progress=_quiet) -> tuple[list[Function], dict[str, Path], TerraformAdapter]:
    """What apply and plan both do first: check the request, render each function's tfvars, find the emulator, init."""
    triggers = chosen_functions(settings, names, sets)
    check_endpoint_coverage(settings.env_dir)  # before anything is written or started
    refuse_legacy_states(settings)
    refuse_misplaced(settings, names)
    fragments = {t.name: write_function_tfvars(settings, t) for t in triggers}
    require_emulator(settings)
    terraform = TerraformAdapter(settings)
    init_terraform(terraform, progress)
    return triggers, fragments, terraform


def refuse_misplaced(settings: Settings, names: list[str]) -> None:
    """Refuse triggers whose resources are at another region, account or live emulator than the settings name."""
    refuse_applied_elsewhere(settings, placed_triggers(settings, [f.name for f in chosen_functions(settings, names)]),
                             emulator.is_healthy)


def place_tfvars(settings: Settings, fragments: Mapping[str, Path], leaving: frozenset[str] = frozenset()) -> Path:
    """The place's tfvars: the given triggers' parts, and the last rendered part of every other trigger applied
    there (so that their outputs stay in the state), less those leaving (being destroyed)."""
    here = workspace_of(Location.of(settings))
    applied_here = {path.name.removesuffix(".location.json")
                    for path in (settings.home / "terraform" / "applied").glob("*.location.json")}
    others = {name: fragment_path(settings, name) for name in sorted(applied_here - set(fragments))
              if (location := recorded_location(settings, name)) is not None and workspace_of(location) == here
              and fragment_path(settings, name).is_file()}
    return write_place_tfvars(settings, {name: path for name, path in {**others, **fragments}.items()
                                         if name not in leaving})


def inputs_unchanged(settings: Settings, name: str, fragment: Path) -> bool:
    """True when a trigger's inputs are those of its last successful apply."""
    return recorded_fingerprint(settings, name) == input_fingerprint(settings, fragment)


def unchanged_and_present(settings: Settings, trigger: Function, fragment: Path, progress=_quiet) -> bool:
    """True when the inputs are those of the last successful apply and every resource of the state is in the emulator."""
    if not inputs_unchanged(settings, trigger.name, fragment):
        return False
    resources = resources_of(settings, trigger.name)
    if not resources:
        return False
    try:
        presence = wiring.find_missing(resources, kept_clients(settings))
    except wiring.PresenceCheckError as exc:
        log.info("%s: %s; running Terraform", trigger.name, exc)
        return False
    if presence.missing:
        progress(f"{trigger.name}: missing from the emulator: {', '.join(presence.missing)}; running Terraform to repair it")
    return presence.complete


_SKIPPED = {"added": 0, "changed": 0, "destroyed": 0, "skipped": 1}


def sharded_functions(settings: Settings, names: list[str], shard: Shard) -> list[str]:
    """The shard's share of the functions named (a trigger names its function), balanced by their last measured
    apply times when every one has one, else by name."""
    return share_of([f.name for f in chosen_functions(settings, names)], shard, apply_seconds(settings.home))


def apply_triggers(settings: Settings, names: list[str], sets: Mapping[str, str], progress=_quiet,
                   refresh: bool = False) -> dict[str, dict[str, int]]:
    """Render and apply the named triggers in one Terraform run in their place's workspace; returns each one's
    change counts.

    A trigger whose inputs are unchanged since its last successful apply, and whose resources
    are still in the emulator, is not handed to Terraform again unless refresh is set
    (drift made behind trig's back is then found by `trig plan` and repaired with --refresh).
    """
    triggers, fragments, terraform = prepare_triggers(settings, names, sets, progress)
    progress(f"applying {', '.join(fragments)} at {settings.endpoint}")
    workspace = workspace_of(Location.of(settings))
    results: dict[str, dict[str, int]] = {}
    with workspace_lock(settings, workspace):
        for trigger in triggers:
            record_location(settings, trigger.name)  # before Terraform makes anything, so nothing is made untracked
        to_apply = []
        # Refreshing triggers whose inputs are unchanged usually finds nothing to do: plan first, apply if needed.
        plan_first = refresh and all(inputs_unchanged(settings, t.name, fragments[t.name]) for t in triggers)
        for trigger in triggers:
            if not refresh and unchanged_and_present(settings, trigger, fragments[trigger.name], progress):
                progress(f"{trigger.name}: inputs unchanged and resources present, Terraform skipped")
                results[trigger.name] = dict(_SKIPPED)
            else:
                forget_fingerprint(settings, trigger.name)
                to_apply.append(trigger)
        if to_apply:
            applying = ", ".join(t.name for t in to_apply)
            with step(progress, f"applying {applying}", done=f"applied {applying}") as current:
                var_file = place_tfvars(settings, fragments)
                try:
                    results.update(apply_recovering(settings, terraform, workspace, var_file, [t.name for t in to_apply],
                                                    plan_first=plan_first))
                except TrigError as failed:
                    raise one_error([failed]) from None  # a dead emulator: one line, with the way out
                for trigger in to_apply:
                    record_fingerprint(settings, trigger.name, input_fingerprint(settings, fragments[trigger.name]))
                current.outcome = "; ".join(f"{t.name}: {counts_text(results[t.name])}" for t in to_apply)
    return {t.name: results[t.name] for t in triggers}


def apply_recovering(settings: Settings, terraform: TerraformAdapter, workspace: str, var_file: Path,
                     names: list[str], plan_first: bool = False) -> dict[str, dict[str, int]]:
    """terraform apply of the named triggers, recovering from an answer the emulator lost; returns each one's counts.

    A create whose answer was lost either stalls (the watch stops Terraform) or is retried by the
    provider into "already exists". The first is applied again; the second, when this apply made the
    resource, is removed from the emulator and applied again. Each recovery says so in one line.
    With plan_first, a plan that changes nothing applies nothing (see TerraformAdapter.apply_if_changed).
    """
    started = datetime.now(timezone.utc)
    tracked_before = {name: len(terraform.trigger_addresses(workspace, name)) for name in names}
    for attempt in range(_RECOVERIES + 1):
        last = attempt == _RECOVERIES
        try:
            if plan_first:
                out = terraform.apply_if_changed(workspace, var_file, names)
                if out is None:
                    return {name: {"added": 0, "changed": 0, "destroyed": 0} for name in names}
            else:
                out = terraform.apply(workspace, var_file, names)
            counts = counts_by_trigger(out, names)
            record_apply_seconds(settings.home, creation_seconds(out, names))  # what --shard balances by
            remove_untracked_mappings(settings, names)
            if attempt:
                # Added by the whole command, interrupted attempts and removals included: the resources
                # now tracked that were not before, plus those replaced (destroyed, then added).
                for name in names:
                    tracked = len(terraform.trigger_addresses(workspace, name))
                    counts[name]["added"] = tracked - tracked_before[name] + counts[name]["destroyed"]
            return counts
        except TerraformError as failed:
            stopped = isinstance(failed, TerraformStopped)
            if (stopped and failed.endpoint_died) or last:
                raise
            lost = lost_creates(failed.stderr)
            if not lost and not stopped:
                raise
            if stopped:
                log.warning("%s: %s; Terraform stopped", ", ".join(names), failed.reason)
            if lost:
                remove_lost_creates(settings, names, lost, started)
    raise AssertionError("unreachable")  # the last attempt returns or raises


# How many times one apply recovers from a lost answer before it reports the failure.
_RECOVERIES = 2


def remove_untracked_mappings(settings: Settings, names: list[str]) -> None:
    """Delete second copies of the named triggers' event source mappings that a lost answer left untracked."""
    tracked = [r.attributes for name in names for r in resources_of(settings, name) or []
               if r.type == "aws_lambda_event_source_mapping"]
    if not tracked:
        return
    removed = remove_duplicate_mappings(lambda service: make_client(service, settings), tracked)
    if removed:
        log.warning("%s: the emulator made %d event source mapping(s) twice (an answer was lost and the create "
                    "sent again); deleted the untracked %s", ", ".join(names), len(removed), ", ".join(removed))


def remove_lost_creates(settings: Settings, names: list[str], lost: list[LostCreate], started: datetime) -> None:
    """Remove resources the failed apply created but never heard of, for the next attempt to make and track them;
    refuse any the apply did not create."""
    def clients(service: str):
        return make_client(service, settings)

    held = [(f"{instance_prefix(name)}.{r.address}", r) for name in names for r in resources_of(settings, name) or []]
    own_functions = frozenset(str(r.attributes.get("function_name")) for _, r in held if r.type == "aws_lambda_function")
    rest_apis = {address: str(r.attributes.get("id")) for address, r in held if r.type == "aws_api_gateway_rest_api"}
    lost = [with_rest_api(item, rest_apis) for item in lost]
    foreign = [item for item in lost if not created_since(clients, item, started, own_functions,
                                                          own_rest_apis=frozenset(rest_apis.values()))]
    if foreign:
        item = foreign[0]
        raise TrigError(f"{item.address} ({item.import_id}) already exists in the emulator at {settings.endpoint}, "
                        f"made before this apply, so trig does not adopt it: delete it, or rename it with --set, "
                        f"then run `trig apply {' '.join(names)}` again.")
    for item in lost:
        remove_lost_create(clients, item)
    log.warning("%s: the emulator created %s but its answer was lost; removed it, applying again",
                ", ".join(names), ", ".join(f"{item.address} ({item.import_id})" for item in lost))


def remove_from_place(there: Settings, workspace: str, leaving: list[str], listen=None) -> None:
    """One Terraform run in a place that leaves the named triggers (or probe stacks) out of its map: their
    resources are destroyed, and the record of each one left with none is forgotten. The caller holds the lock."""
    var_file = place_tfvars(there, {}, leaving=frozenset(leaving))
    for attempt in range(_RECOVERIES + 1):
        try:
            # The watch probes the endpoint the state lives at, which a destroy may not share with --endpoint.
            TerraformAdapter(there).apply(workspace, var_file, leaving, listen=listen)
            break
        except TerraformStopped as stopped:
            # A delete whose answer a busy emulator lost: run again (the refresh sees what is already gone).
            if stopped.endpoint_died or attempt == _RECOVERIES:
                raise one_error([stopped]) from None
            log.warning("%s: %s; Terraform stopped, destroying again", ", ".join(leaving), stopped.reason)
        except TrigError as failed:
            raise one_error([failed]) from None  # a dead emulator: one line, with the way out
    for name in leaving:
        if not resources_of(there, name):
            forget_location(there, name)


class DestroyedAnnouncer:
    """Hears a destroy's output and says `destroyed NAME` as each trigger's last resource goes (one Terraform
    run destroys them all, so the lines come as they finish, not at the end)."""

    def __init__(self, settings: Settings, names: list[str], progress):
        self.left = {name: len(resources_of(settings, name) or []) for name in names}
        self.progress = progress
        self.lock = threading.Lock()

    def __call__(self, line: str) -> None:
        done = completed(line)
        if done is None or done[1] != "destroyed" or done[0] not in self.left:
            return
        with self.lock:
            self.left[done[0]] -= 1
            if self.left[done[0]] == 0:
                del self.left[done[0]]
                self.progress(f"destroyed {done[0]}")

    def the_rest(self) -> None:
        """Say it of the triggers whose resources were gone before Terraform reached them."""
        with self.lock:
            for name in list(self.left):
                del self.left[name]
                self.progress(f"destroyed {name}")


def destroy_triggers(settings: Settings, names: list[str], progress=_quiet) -> list[str]:
    """Destroy the named triggers' resources where their states say they are; a trigger never applied is skipped.

    --region, --account and --endpoint do not move a destroy: each trigger is destroyed at the
    location recorded for it, unless that was another emulator that no longer answers (its
    resources went with it), where its state is cleared against the current endpoint. One
    Terraform run per place: an apply that leaves the destroyed triggers out and targets them.
    """
    chosen = [t.name for t in chosen_functions(settings, names)]
    if "all" in names:
        chosen += undeclared_applied(settings, catalogue(settings))
    refuse_legacy_states(settings)
    placed = placed_triggers(settings, chosen)
    applied = [name for name in chosen if name in placed]
    here = Location.of(settings)
    where = {name: destroy_location(settings, name, placed[name], emulator.is_healthy) for name in applied}
    for endpoint in dict.fromkeys(location.endpoint for location in where.values()):
        require_emulator(dataclasses.replace(settings, endpoint=endpoint))
    if applied and all(location == here for location in where.values()):
        progress(f"destroying {', '.join(applied)} at {settings.endpoint}")
    elif applied:
        progress(f"destroying {', '.join(f'{name} {where[name].describe(endpoint=True)}' for name in applied)}")
    groups: dict[Location, list[str]] = {}
    for name in applied:
        groups.setdefault(where[name], []).append(name)

    def destroy_at(location: Location) -> None:
        leaving = groups[location]
        there = location.settings(settings)
        workspace = workspace_of(location)
        announce = DestroyedAnnouncer(settings, leaving, progress)
        with workspace_lock(settings, workspace), step(progress, f"destroying {', '.join(leaving)}",
                                                       done=f"destroyed {', '.join(leaving)}"):
            for name in leaving:
                forget_fingerprint(settings, name)
            remove_from_place(there, workspace, leaving, listen=announce)
            announce.the_rest()

    in_parallel(list(groups), destroy_at)
    return applied
