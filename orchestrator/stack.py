"""apply, destroy, check and status of triggers: plain functions the CLI calls."""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import logging
import time
import uuid
from datetime import datetime, timezone
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from orchestrator import emulator, wiring
from orchestrator.aws import ClientFactory, make_client
from orchestrator.errors import EmulatorError, TerraformError, TerraformStopped, TrigError, UsageError
from orchestrator.fingerprint import forget_fingerprint, input_fingerprint, record_fingerprint, recorded_fingerprint
from orchestrator.load import LoadResult, load_check
from orchestrator.location import (
    Location, destroy_location, forget_location, placed_workspaces, record_location, refuse_applied_elsewhere,
)
from orchestrator.lost_answers import LostCreate, created_since, lost_creates
from orchestrator.packaging import build_function_zip
from orchestrator.preflight import check_endpoint_coverage
from orchestrator.progress import step
from orchestrator.render import render_tfvars
from orchestrator.set_values import check_sets
from orchestrator.settings import STARTED_BY_TRIG_UP, Settings
from orchestrator.terraform import TerraformAdapter, change_counts, wait_through_interrupts
from orchestrator.terraform import state as tfstate
from orchestrator.triggers import REGISTRY, select_triggers
from orchestrator.triggers.base import Confirmation, Target, Trigger

log = logging.getLogger(__name__)


def _quiet(message: str) -> None:
    log.info(message)


@dataclass(frozen=True)
class CheckResult:
    trigger: str
    invocation: str
    ok: bool
    seconds: float
    detail: str
    seen: tuple[str, ...] = ()


def values_for(trigger: Trigger, sets: Mapping[str, str]) -> dict[str, object]:
    """The trigger's defaults overridden by the --set values that apply to it (NAME or TRIGGER.NAME)."""
    values = dict(trigger.defaults)
    for name, value in sets.items():
        scope, _, bare = name.rpartition(".")
        if scope in ("", trigger.name) and bare in trigger.defaults:
            values[bare] = value
    return values


def check_set_names(triggers: list[Trigger], sets: Mapping[str, str], every=None) -> None:
    """Refuse a --set name none of the selected triggers has (naming the unselected one that has it, or the
    known names) and a value its setting's rule refuses; every is all triggers of the kind (default: REGISTRY)."""
    check_sets(triggers, sets, REGISTRY.values() if every is None else every)


def merge_config_sets(settings: Settings, triggers: list, sets: Mapping[str, str]) -> dict[str, str]:
    """The config file's --set defaults that apply to the selected triggers, overridden by the command line's."""
    merged = {}
    for name, value in settings.default_sets.items():
        scope, _, bare = name.rpartition(".")
        if any(scope in ("", t.name) and bare in t.defaults for t in triggers):
            merged[name] = value
    merged.update(sets)
    return merged


def write_tfvars(settings: Settings, trigger: Trigger, sets: Mapping[str, str]) -> Path:
    """Build the trigger's zip and render its tfvars under .trig/; returns the tfvars path."""
    built = build_function_zip(settings.functions_dir / trigger.function_dir,
                               settings.home / "build" / f"{trigger.name}.zip", trigger.handler)
    values = {
        **values_for(trigger, sets),
        "zip": {"path": str(built.path), "hash": built.sha256_b64},
        "endpoint": settings.endpoint,
        "region": settings.region,
        "account_id": settings.account_id,
        "template_name": trigger.template,
    }
    text = render_tfvars(settings.env_dir / "templates", trigger.template, values)
    path = settings.home / "tfvars" / f"{trigger.name}.tfvars"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        temporary = path.with_suffix(".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    return path


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


@contextlib.contextmanager
def trigger_lock(settings: Settings, trigger: Trigger) -> Iterator[None]:
    """Hold the trigger's lock for an apply or destroy; a second run on the same trigger is refused at once."""
    path = settings.home / "locks" / f"{trigger.name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise TrigError(f"another trig run is applying or destroying {trigger.name} (lock {path}): "
                            "wait for it to finish, then run this again.") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def for_each_trigger(triggers: list[Trigger], work) -> list:
    """Run work(trigger) for every trigger in parallel (their states are separate); raise the first error."""
    with ThreadPoolExecutor(max_workers=max(1, len(triggers))) as pool:
        futures = [pool.submit(work, t) for t in triggers]
        results, errors = [], []
        try:
            for future in futures:
                try:
                    results.append(future.result())
                except TrigError as exc:
                    errors.append(exc)
        except KeyboardInterrupt:
            # Ctrl-C reaches this (main) thread only; the workers' Terraform runs go on.
            wait_through_interrupts(lambda: wait(futures))
    if errors:
        raise _one_error(errors)
    return results


def _one_error(errors: list[TrigError]) -> TrigError:
    """The error to report for a parallel run: when the emulator died, one line for every trigger it stopped."""
    died = [e for e in errors if isinstance(e, TerraformStopped) and e.endpoint_died]
    if not died:
        return errors[0]
    names = sorted({e.workspace for e in died})
    verb = {"apply": "applying", "destroy": "destroying", "plan": "planning"}.get(died[0].command, "running Terraform for")
    return EmulatorError(f"{died[0].reason} while {verb} {', '.join(names)}; Terraform was stopped and every lock "
                         f"released: run `trig up`, then the same command again (it converges).")


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
    check_set_names(triggers, sets)
    sets = merge_config_sets(settings, triggers, sets)
    check_endpoint_coverage(settings.env_dir)  # before anything is written or started
    refuse_misplaced(settings, names)
    var_files = {t.name: write_tfvars(settings, t, sets) for t in triggers}
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
        with trigger_lock(settings, trigger), step(progress, f"applying {trigger.name}", done=f"applied {trigger.name}") as current:
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

    return dict(zip((t.name for t in triggers), for_each_trigger(triggers, apply_one)))


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
    var_files = {t.name: write_tfvars(where[t.name].settings(settings), t, {}) for t in applied}
    if applied and all(location == here for location in where.values()):
        progress(f"destroying {', '.join(t.name for t in applied)} at {settings.endpoint}")
    elif applied:
        progress(f"destroying {', '.join(f'{t.name} {where[t.name].describe(endpoint=True)}' for t in applied)}")

    def destroy_one(trigger: Trigger) -> str:
        with trigger_lock(settings, trigger), step(progress, f"destroying {trigger.name}", done=f"destroyed {trigger.name}"):
            forget_fingerprint(settings, trigger.name)
            # The watch probes the endpoint the state lives at, which a destroy may not share with --endpoint.
            output = TerraformAdapter(where[trigger.name].settings(settings)).destroy(trigger.name, var_files[trigger.name])
            if not terraform.state_resources(trigger.name):
                forget_location(settings, trigger.name)
            return output

    for_each_trigger(applied, destroy_one)
    return [t.name for t in applied]


def applied_triggers(settings: Settings) -> list[str]:
    """Triggers whose state holds resources (an interrupted apply that made nothing leaves none)."""
    applied = []
    for name in REGISTRY:
        resources = tfstate.workspace_resources(settings.home, name)
        if resources is None or resources:  # a state trig cannot read is not taken for empty
            applied.append(name)
    return applied


def check_trigger(settings: Settings, trigger: Trigger, outputs: dict, timeout: float) -> CheckResult:
    nonce = uuid.uuid4().hex[:12]
    target = Target(settings, outputs)
    started = time.monotonic()
    try:
        confirmation = trigger.fire_and_confirm(target, nonce, timeout)
    except (ClientError, BotoCoreError) as exc:
        confirmation = Confirmation(False, f"firing the event failed: {exc}")
    seconds = round(time.monotonic() - started, 2)
    seen = tuple(confirmation.seen)
    if not confirmation.confirmed:
        seen += tuple(trigger.diagnose(target))
    return CheckResult(trigger.name, trigger.invocation, confirmation.confirmed, seconds, confirmation.detail, seen)


def refuse_vanished(settings: Settings, triggers: list[Trigger]) -> None:
    """Say plainly when applied wiring is gone from the emulator (restarted, reset, or deleted by hand) instead of
    firing an event that cannot arrive."""
    clients = ClientFactory(settings)
    gone = {}
    for trigger in triggers:
        resources = tfstate.workspace_resources(settings.home, trigger.name) or []
        missing = wiring.find_missing(resources, clients).missing
        if missing:
            gone[trigger.name] = (f"all {len(missing)} resources" if len(missing) == len(resources)
                                  else ", ".join(missing))
    if gone:
        raise TrigError(f"wiring is missing from the emulator at {settings.endpoint} (restarted, reset, or deleted "
                        f"behind trig's back?): {'; '.join(f'{name}: {what}' for name, what in gone.items())}; "
                        f"`trig apply {' '.join(gone)}` repairs it.")


def _applied_targets(settings: Settings, names: list[str] | None) -> tuple[list[Trigger], dict[str, dict]]:
    """The triggers to check (default: every applied one) with their outputs, refusing any not applied or gone."""
    require_emulator(settings)
    terraform = TerraformAdapter(settings)
    triggers = select_triggers(names) if names else [REGISTRY[n] for n in applied_triggers(settings)]
    if not triggers:
        raise UsageError("no trigger is applied: run `trig apply all` first.")
    outputs = {t.name: terraform.outputs(t.name) for t in triggers}
    missing = [name for name, out in outputs.items() if not out]
    if missing:
        raise UsageError(f"{', '.join(missing)} not applied: run `trig apply {' '.join(missing)}` first.")
    refuse_vanished(settings, triggers)
    return triggers, outputs


def check_triggers(settings: Settings, names: list[str] | None, timeout: float, progress=_quiet) -> list[CheckResult]:
    """Fire one event per trigger (default: every applied one) and confirm it; one result per trigger."""
    triggers, outputs = _applied_targets(settings, names)

    def check_one(trigger: Trigger) -> CheckResult:
        with step(progress, f"{trigger.name}: firing an event and waiting for its confirmation",
                  done=f"checked {trigger.name}") as current:
            result = check_trigger(settings, trigger, outputs[trigger.name], timeout)
            current.outcome = "confirmed" if result.ok else "not confirmed"
            return result

    return for_each_trigger(triggers, check_one)


def load_check_triggers(settings: Settings, names: list[str] | None, count: int, concurrency: int,
                        timeout: float, progress=_quiet) -> list[LoadResult]:
    """Fire count events per trigger, each with its own nonce, and account for every one."""
    triggers, outputs = _applied_targets(settings, names)

    def load_one(trigger: Trigger) -> LoadResult:
        with step(progress, f"{trigger.name}: firing {count} events and accounting for each",
                  done=f"fired {count} events through {trigger.name}") as current:
            result = load_check(trigger, Target(settings, outputs[trigger.name]), count, concurrency, timeout)
            current.outcome = f"{result.confirmed} confirmed, {result.missing} missing, {result.duplicated} duplicated"
            return result

    return for_each_trigger(triggers, load_one)
