"""check of applied triggers: fire one event (or --count of them) through each and confirm it arrived."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
import logging
import time
import uuid
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from orchestrator import emulator, wiring
from orchestrator.aws import kept_clients
from orchestrator.errors import TrigError, UsageError
from orchestrator.load import LoadResult, load_check
from orchestrator.location import Location, placed_triggers, resources_of, same_endpoint, workspace_of
from orchestrator.parallel import in_parallel
from orchestrator.progress import step
from orchestrator.settings import Settings
from orchestrator.sharding import Shard, apply_seconds, share_of
from orchestrator.terraform.adapter import TerraformAdapter
from orchestrator.functions import Function, Wired, catalogue, select_wired, wired_named
from orchestrator.own_checks import check_own
from orchestrator.applied import AppliedTrigger
from orchestrator.confirmation import Confirmation

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
    waited: float = 0.0  # of seconds, those spent waiting for the confirmation (all of --timeout when none came)
    released: int = 0  # invocations trig made to release output the engine held back
    outcome: str = ""  # confirmed, function_failed (the event reached it), not_delivered or not_fired

    @property
    def skipped(self) -> bool:
        """Not fired at all (a team root's trigger trig cannot fire here): neither a pass nor a fail."""
        return self.outcome == "not_fired"

    @property
    def case_name(self) -> str:
        """The row's name in a JUnit report: unique among the rows of one check."""
        return self.trigger


def applied_functions(settings: Settings, known: Mapping[str, Function]) -> list[Function]:
    """Functions whose state holds resources (an interrupted apply that made nothing leaves none)."""
    applied = []
    for name, function in known.items():
        resources = resources_of(settings, name)
        if resources is None or resources:  # a state trig cannot read is not taken for empty
            applied.append(function)
    return applied


def check_trigger(trigger: Wired, target: AppliedTrigger, timeout: float) -> CheckResult:
    nonce = uuid.uuid4().hex[:12]
    started = time.monotonic()
    try:
        if trigger.own:
            confirmation = check_own(trigger, target, nonce, timeout)
        else:
            confirmation = trigger.type.fire_and_confirm(target, nonce, timeout)
    except (ClientError, BotoCoreError, TrigError) as exc:  # TrigError: the source kept refusing the event
        confirmation = Confirmation(False, f"firing the event failed: {exc}")
    seconds = round(time.monotonic() - started, 2)
    seen = tuple(confirmation.seen)
    if not confirmation.confirmed and not confirmation.reached:
        seen += tuple(trigger.type.diagnose(target))
    outcome = "confirmed" if confirmation.confirmed else "function_failed" if confirmation.reached else "not_delivered"
    return CheckResult(trigger.name, trigger.invocation, confirmation.confirmed, seconds, confirmation.detail, seen,
                       confirmation.waited, confirmation.released, outcome)


def where_applied(settings: Settings, name: str) -> Settings:
    """settings pointed at the region and account where the trigger's state says its resources are (as destroy
    does): a check, a fire or the logs of a trigger applied in another region or account of this emulator go
    there, whatever --region and --account say. The endpoint stays the one named: another emulator is never
    asked instead of the one the user points at."""
    location = placed_triggers(settings, [name]).get(name)
    if location is None or not same_endpoint(location.endpoint, settings.endpoint):
        return settings
    if (location.region, location.account_id) != (settings.region, settings.account_id):
        log.info("%s is applied %s: working there", name, location.describe())
    return dataclasses.replace(settings, region=location.region, account_id=location.account_id)


def refuse_vanished(targets: Mapping[str, AppliedTrigger]) -> None:
    """Say plainly when applied wiring is gone from the emulator (restarted, reset, or deleted by hand) instead of
    firing an event that cannot arrive; targets by function."""
    gone, endpoints = {}, set()
    for name, target in targets.items():
        resources = resources_of(target.settings, name) or []
        missing = wiring.find_missing(resources, kept_clients(target.settings)).missing
        if missing:
            gone[name] = f"all {len(missing)} resources" if len(missing) == len(resources) else ", ".join(missing)
            endpoints.add(target.settings.endpoint)
    if gone:
        raise TrigError(f"wiring is missing from the emulator at {', '.join(sorted(endpoints))} (restarted, reset, or "
                        f"deleted behind trig's back?): {'; '.join(f'{name}: {what}' for name, what in gone.items())}; "
                        f"`trig apply {' '.join(gone)}` repairs it.")


def _target(settings: Settings, trigger: Wired) -> AppliedTrigger | None:
    """The applied trigger where its function's state says it is, or None when that state has no outputs."""
    here = where_applied(settings, trigger.function)
    outputs = TerraformAdapter(here).trigger_outputs(workspace_of(Location.of(here)), trigger.function)
    return AppliedTrigger(here, outputs.for_trigger(trigger.type.name, trigger.key)) if outputs else None


def applied_target(settings: Settings, name: str, any_of_function: bool = False) -> tuple[Wired, AppliedTrigger]:
    """The applied trigger called name, from its Terraform outputs (for `trig logs` and `trig fire`); refused
    when unknown, not applied or when the emulator does not answer."""
    trigger = wired_named(catalogue(settings), name, any_of_function)
    target = _target(settings, trigger)
    if target is None:
        raise UsageError(f"{name} is not applied: run `trig apply {trigger.function}` first.")
    emulator.require_healthy(target.settings.endpoint)
    return trigger, target


def applied_targets(settings: Settings, names: list[str] | None) -> tuple[list[Wired], dict[str, AppliedTrigger]]:
    """The triggers to check (default: every applied one), each where its function's state says it is, refusing
    any not applied or gone; targets by trigger name."""
    known = catalogue(settings)
    if names:
        triggers = select_wired(known, names)
    else:
        triggers = [t for function in applied_functions(settings, known) for t in function.triggers]
    if not triggers:
        emulator.require_healthy(settings.endpoint)
        raise UsageError("nothing is applied: run `trig apply all` first.")
    targets = {t.name: _target(settings, t) for t in triggers}
    missing = list(dict.fromkeys(t.function for t in triggers if targets[t.name] is None))
    if missing:
        emulator.require_healthy(settings.endpoint)
        raise UsageError(f"{', '.join(missing)} not applied: run `trig apply {' '.join(missing)}` first.")
    for endpoint in dict.fromkeys(target.settings.endpoint for target in targets.values()):
        emulator.require_healthy(endpoint)
    refuse_vanished({t.function: targets[t.name] for t in triggers})  # type: ignore[misc]  # none is None here
    return triggers, targets  # type: ignore[return-value]


def sharded_triggers(settings: Settings, names: list[str] | None, shard: Shard) -> list[str]:
    """The triggers named (default: every applied one) of the shard's share of their functions: the split
    `trig run --shard` makes of the same names, so both take the same functions on one machine."""
    known = catalogue(settings)
    triggers = (select_wired(known, names) if names
                else [t for function in applied_functions(settings, known) for t in function.triggers])
    mine = set(share_of([t.function for t in triggers], shard, apply_seconds(settings.home)))
    return [t.name for t in triggers if t.function in mine]


def check_triggers(settings: Settings, names: list[str] | None, timeout: float, progress=_quiet) -> list[CheckResult]:
    """Fire one event per trigger (default: every applied one) and confirm it; one result per trigger."""
    triggers, targets = applied_targets(settings, names)

    def check_one(trigger: Wired) -> CheckResult:
        with step(progress, f"{trigger.name}: firing an event and waiting for its confirmation",
                  done=f"checked {trigger.name}") as current:
            result = check_trigger(trigger, targets[trigger.name], timeout)
            current.outcome = "confirmed" if result.ok else "not confirmed"
            return result

    return in_parallel(triggers, check_one)


def load_check_triggers(settings: Settings, names: list[str] | None, count: int, concurrency: int,
                        timeout: float, progress=_quiet) -> list[LoadResult]:
    """Fire count events per trigger, each with its own nonce, and account for every one."""
    triggers, targets = applied_targets(settings, names)
    own = [t.name for t in triggers if t.own]
    if own:
        raise UsageError(f"--count fires many events through trig's own functions only; {', '.join(own)} run your "
                         "code: check them without --count.")

    def load_one(trigger: Wired) -> LoadResult:
        with step(progress, f"{trigger.name}: firing {count} events and accounting for each",
                  done=f"fired {count} events through {trigger.name}") as current:
            result = load_check(trigger.type, targets[trigger.name], count, concurrency, timeout)
            current.outcome = f"{result.confirmed} confirmed, {result.missing} missing, {result.duplicated} duplicated"
            return result

    return in_parallel(triggers, load_one)
