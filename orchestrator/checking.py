"""check of applied triggers: fire one event (or --count of them) through each and confirm it arrived."""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from orchestrator import emulator, wiring
from orchestrator.aws import ClientFactory
from orchestrator.errors import TrigError, UsageError
from orchestrator.load import LoadResult, load_check
from orchestrator.parallel import in_parallel
from orchestrator.progress import step
from orchestrator.settings import Settings
from orchestrator.terraform import Outputs, TerraformAdapter
from orchestrator.terraform import state as tfstate
from orchestrator.triggers import REGISTRY, select_triggers, trigger_named
from orchestrator.applied import AppliedTrigger
from orchestrator.confirmation import Confirmation
from orchestrator.triggers.base import Trigger

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


def applied_triggers(settings: Settings) -> list[str]:
    """Triggers whose state holds resources (an interrupted apply that made nothing leaves none)."""
    applied = []
    for name in REGISTRY:
        resources = tfstate.workspace_resources(settings.home, name)
        if resources is None or resources:  # a state trig cannot read is not taken for empty
            applied.append(name)
    return applied


def check_trigger(settings: Settings, trigger: Trigger, outputs: Outputs, timeout: float) -> CheckResult:
    nonce = uuid.uuid4().hex[:12]
    target = AppliedTrigger(settings, outputs)
    started = time.monotonic()
    try:
        confirmation = trigger.fire_and_confirm(target, nonce, timeout)
    except (ClientError, BotoCoreError, TrigError) as exc:  # TrigError: the source kept refusing the event
        confirmation = Confirmation(False, f"firing the event failed: {exc}")
    seconds = round(time.monotonic() - started, 2)
    seen = tuple(confirmation.seen)
    if not confirmation.confirmed:
        seen += tuple(trigger.diagnose(target))
    return CheckResult(trigger.name, trigger.invocation, confirmation.confirmed, seconds, confirmation.detail, seen,
                       confirmation.waited, confirmation.released)


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


def applied_target(settings: Settings, name: str) -> AppliedTrigger:
    """The applied trigger called name, from its Terraform outputs (for `trig logs` and `trig fire`); refused
    when unknown, not applied or when the emulator does not answer."""
    trigger = trigger_named(name)
    outputs = TerraformAdapter(settings).outputs(trigger.name)
    if not outputs:
        raise UsageError(f"{name} is not applied: run `trig apply {name}` first.")
    emulator.require_healthy(settings.endpoint)
    return AppliedTrigger(settings, outputs)


def applied_targets(settings: Settings, names: list[str] | None) -> tuple[list[Trigger], dict[str, Outputs]]:
    """The triggers to check (default: every applied one) with their outputs, refusing any not applied or gone."""
    emulator.require_healthy(settings.endpoint)
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
    triggers, outputs = applied_targets(settings, names)

    def check_one(trigger: Trigger) -> CheckResult:
        with step(progress, f"{trigger.name}: firing an event and waiting for its confirmation",
                  done=f"checked {trigger.name}") as current:
            result = check_trigger(settings, trigger, outputs[trigger.name], timeout)
            current.outcome = "confirmed" if result.ok else "not confirmed"
            return result

    return in_parallel(triggers, check_one)


def load_check_triggers(settings: Settings, names: list[str] | None, count: int, concurrency: int,
                        timeout: float, progress=_quiet) -> list[LoadResult]:
    """Fire count events per trigger, each with its own nonce, and account for every one."""
    triggers, outputs = applied_targets(settings, names)

    def load_one(trigger: Trigger) -> LoadResult:
        with step(progress, f"{trigger.name}: firing {count} events and accounting for each",
                  done=f"fired {count} events through {trigger.name}") as current:
            result = load_check(trigger, AppliedTrigger(settings, outputs[trigger.name]), count, concurrency, timeout)
            current.outcome = f"{result.confirmed} confirmed, {result.missing} missing, {result.duplicated} duplicated"
            return result

    return in_parallel(triggers, load_one)
