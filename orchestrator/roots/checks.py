"""check of a team's root: discover every trigger in what trig applied of it, fire one event through each, and
confirm from the function's redirect which invocation received it and whether the team's handler returned.

One row per trigger, as `trig check` gives for trig's own: confirmed, delivered but the function failed (with
its error), or not delivered (with what was seen). A trigger trig cannot fire (a schedule longer than the
timeout, a pattern it cannot satisfy) gets a skipped row saying why; it never passes as confirmed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from orchestrator.applied import AppliedTrigger, now_ms
from orchestrator.aws import make_client
from orchestrator.checking import CheckResult
from orchestrator.confirmation import Confirmation, last_lines, wait_for_lines
from orchestrator.errors import TrigError, UsageError
from orchestrator.logwatch import group_invocations
from orchestrator.own_checks import confirm_received
from orchestrator.parallel import in_parallel
from orchestrator.progress import Progress, step
from orchestrator.roots.diagnosis import diagnose
from orchestrator.roots.discovery import Found, discover, region_of
from orchestrator.roots.firing import fire
from orchestrator.roots.instrument import redirected, why_not_redirected
from orchestrator.roots.runs import refuse_elsewhere, resources
from orchestrator.roots.workcopy import RootCopy, copy_for, held
from orchestrator.settings import Settings
from orchestrator.terraform.state import Outputs, StateResource

NOT_FIRED = "not_fired"
_RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class RootCheckResult(CheckResult):
    """A check row of a team root's trigger: also the resource that wires it and the function it invokes."""

    source: str = ""
    function: str = ""

    @property
    def case_name(self) -> str:
        return f"{self.trigger} {self.source}"


def rate_seconds(expression: str) -> int | None:
    """The period of a `rate(...)` schedule in seconds; None for a cron expression."""
    match = _RATE.match(expression.strip())
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2).rstrip("s")] if match else None


def _target(settings: Settings, function: StateResource) -> AppliedTrigger:
    logging_config = function.attributes.get("logging_config") or []
    group = next((c.get("log_group") for c in logging_config if c.get("log_group")), None)
    name = str(function.attributes["function_name"])
    return AppliedTrigger(settings, Outputs({"function_name": name, "log_group_name": group or f"/aws/lambda/{name}"}))


def _any_invocation(target: AppliedTrigger, start: int, timeout: float, sent: str, why: str) -> Confirmation:
    """Confirm by an invocation that started after the event was sent: for a function the redirect cannot front."""
    watched = wait_for_lines(target, start, timeout, lambda events: any(i.complete for i in group_invocations(events)))
    if watched.found:
        request = next(i.request_id for i in group_invocations(watched.seen) if i.complete)
        return Confirmation(True, f"{target.function_name} was invoked (request {request}) after {sent}; not correlated "
                                  f"by the event's identity ({why})", waited=watched.waited)
    return Confirmation(False, f"no invocation of {target.function_name} after {sent} (waited {watched.waited:.1f} s)",
                        last_lines(watched.seen), watched.waited)


def _skipped(found: Found, why: str) -> RootCheckResult:
    return RootCheckResult(found.kind, found.invocation, True, 0.0, f"not fired: {why}", outcome=NOT_FIRED,
                           source=found.source, function=found.function)


def check_found(found: Found, settings: Settings, function: StateResource, redirect: bool, timeout: float,
                why_not: str) -> RootCheckResult:
    """Fire one event through a discovered trigger and say what became of it."""
    here = dataclasses.replace(settings, region=found.region)
    target = _target(here, function)
    schedule_period = rate_seconds(str(found.fire.get("expression", ""))) if found.kind == "schedule" else None
    if found.kind == "schedule" and (schedule_period is None or schedule_period > timeout):
        return _skipped(found, f"a schedule ({found.fire.get('expression')}) that --timeout {timeout:g} s does not cover")
    if found.cannot_fire and found.kind != "schedule":
        return _skipped(found, found.cannot_fire)
    nonce = uuid.uuid4().hex[:12]
    started, start = time.monotonic(), now_ms()
    answer = None
    try:
        if found.kind == "schedule":
            confirmation = _any_invocation(target, start, timeout, f"waiting for {found.fire.get('expression')}",
                                           "a scheduled event carries no identity of trig's")
        else:
            fired = fire(found, here, nonce)
            answer = fired.answer
            try:
                if redirect:
                    confirmation = confirm_received(target, start, timeout, fired.token, fired.sent)
                else:
                    confirmation = _any_invocation(target, start, timeout, fired.sent, why_not)
            finally:
                if fired.cleanup is not None:
                    fired.cleanup()
    except (ClientError, BotoCoreError, TrigError, RuntimeError) as exc:
        confirmation = Confirmation(False, f"firing the event failed: {exc}")
    if answer is not None:
        said = f"HTTP {answer.status}: {answer.text[:200]}"
        if not 200 <= answer.status < 300:
            confirmation = dataclasses.replace(confirmation, confirmed=False,
                                               detail=f"{said} (expected 2xx); {confirmation.detail}")
        else:
            confirmation = dataclasses.replace(confirmation, detail=f"{said}; {confirmation.detail}")
    outcome = "confirmed" if confirmation.confirmed else "function_failed" if confirmation.reached else "not_delivered"
    seen = tuple(confirmation.seen) + (tuple(diagnose(found, target)) if outcome == "not_delivered" else ())
    return RootCheckResult(found.kind, found.invocation, confirmation.confirmed, round(time.monotonic() - started, 2),
                           confirmation.detail, seen, confirmation.waited, confirmation.released,
                           outcome, source=found.source, function=found.function)


def discovered(copy: RootCopy) -> tuple[list[Found], list[StateResource]]:
    """The root's triggers in what trig applied of it; refused when nothing is applied or no trigger is found."""
    applied = resources(copy)
    if not applied:
        raise UsageError(f"nothing of {copy.directory} is applied here: run `trig apply --root {copy.directory}` first.")
    found = discover(applied)
    if not found:
        raise UsageError(f"no Lambda trigger found in {len(applied)} resources of {copy.directory}: nothing invokes "
                         "a function there (check that the root wires one, then apply it again).")
    return found, applied


def _functions(applied: list[StateResource]) -> dict[str, StateResource]:
    return {str(r.attributes.get("function_name")): r for r in applied if r.type == "aws_lambda_function"}


def function_named(copy: RootCopy, applied: list[StateResource], name: str) -> StateResource:
    """The applied function of that name (its function_name, or its instance key: `refunds` of fn["refunds"])."""
    functions = _functions(applied)
    by_key = {r.address.rsplit("[", 1)[-1].strip('"]'): r for r in functions.values() if r.address.endswith('"]')}
    function = functions.get(name) or by_key.get(name)
    if function is None:
        raise UsageError(f"no function {name!r} in what trig applied of {copy.directory}: choose from "
                         f"{', '.join(sorted(functions))}.")
    return function


def function_target(settings: Settings, directory: Path, name: str) -> AppliedTrigger:
    """An applied function of a team root, for `trig logs --root DIR FUNCTION`."""
    copy = copy_for(settings.home, directory)
    applied = resources(copy)
    if not applied:
        raise UsageError(f"nothing of {copy.directory} is applied here: run `trig apply --root {copy.directory}` first.")
    function = function_named(copy, applied, name)
    region = region_of(function.attributes.get("arn")) or settings.region
    return _target(dataclasses.replace(settings, region=region), function)


def check_root(settings: Settings, directory: Path, timeout: float, progress: Progress,
               function: str | None = None) -> list[RootCheckResult]:
    """One row per discovered trigger of the applied root (of one function, when named), in discovery order."""
    copy = copy_for(settings.home, directory)
    with held(copy):
        found, applied = discovered(copy)
        refuse_elsewhere(copy, settings)
        functions = _functions(applied)
        if function is not None:
            chosen = str(function_named(copy, applied, function).attributes["function_name"])
            found = [f for f in found if f.function == chosen]
            if not found:
                raise UsageError(f"nothing in {copy.directory} invokes {chosen}: `trig status --root {copy.directory}` "
                                 "lists the triggers found.")
        used = sorted({f.function for f in found})
        why_not = {name: why_not_redirected(functions[name], copy.root) for name in used}
        with contextlib.ExitStack() as stack:
            fronted: set[str] = set()
            with step(progress, f"putting trig's redirect in front of {len(used)} function(s)", None):
                for region in sorted({f.region for f in found}):
                    client = make_client("lambda", dataclasses.replace(settings, region=region))
                    mine = [functions[f.function] for f in found if f.region == region]
                    fronted |= stack.enter_context(redirected(client, list({id(m): m for m in mine}.values()),
                                                              copy.root))
            with step(progress, f"checking {len(found)} trigger(s) of {directory}", None):
                return in_parallel(found, lambda f: check_found(f, settings, functions[f.function],
                                                                f.function in fronted, timeout,
                                                                why_not[f.function]))
