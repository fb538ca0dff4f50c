"""What `trig status` says of each trigger: applied or not by its state, and if applied, present or missing in the emulator."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass

from orchestrator import emulator, wiring
from orchestrator.aws import kept_clients
from orchestrator.location import Location, applied_location, recorded_location, resources_of, same_endpoint
from orchestrator.settings import Settings
from orchestrator.functions import catalogue, undeclared_applied

PRESENT, MISSING, NOT_APPLIED, UNKNOWN = "present", "missing", "not_applied", "unknown"


@dataclass(frozen=True)
class TriggerStatus:
    """One trigger as its state records it and as the emulator has it."""

    trigger: str
    state: str  # PRESENT, MISSING, NOT_APPLIED or UNKNOWN
    location: Location | None = None
    resources: int | None = None  # in the state; None when trig cannot read the state's format
    missing: tuple[str, ...] = ()
    reason: str = ""  # why presence is UNKNOWN
    declared: bool = True  # False: applied here, but no longer in the project file (`destroy all` removes it)

    @property
    def applied(self) -> bool:
        return self.state != NOT_APPLIED

    def as_dict(self) -> dict[str, object]:
        where = self.location
        return {"state": self.state, "missing": list(self.missing), "resources": self.resources,
                "endpoint": where.endpoint if where else None, "region": where.region if where else None,
                "account": where.account_id if where else None, "reason": self.reason, "declared": self.declared}


class _Answering:
    """emulator.is_healthy, asked once per endpoint."""

    def __init__(self, known: dict[str, bool], ask: Callable[[str], bool]):
        self._known = dict(known)
        self._ask = ask
        self._lock = threading.Lock()

    def __call__(self, endpoint: str) -> bool:
        with self._lock:
            if endpoint not in self._known:
                self._known[endpoint] = self._ask(endpoint)
            return self._known[endpoint]


def survey_triggers(settings: Settings, answers: Callable[[str], bool] = emulator.is_healthy,
                    known: dict[str, bool] | None = None) -> list[TriggerStatus]:
    """Every function's status, its resources checked where its state says they are (known: endpoints already
    asked); functions applied here that the project file no longer declares come last."""
    answering = _Answering(known or {}, answers)
    declared = catalogue(settings)
    return [dataclasses.replace(_status(settings, name, answering), declared=name in declared)
            for name in [*declared, *undeclared_applied(settings, declared)]]


def _status(settings: Settings, name: str, answering: _Answering) -> TriggerStatus:
    resources = resources_of(settings, name)
    if resources == []:
        return TriggerStatus(name, NOT_APPLIED)
    if resources is None:
        location = recorded_location(settings, name) or Location.of(settings)
        return TriggerStatus(name, UNKNOWN, location, None, reason="its state is in a format trig does not read")
    location = applied_location(settings, name, resources)
    if not answering(location.endpoint):
        return TriggerStatus(name, UNKNOWN, location, len(resources), reason=f"nothing answers at {location.endpoint}")
    factory = kept_clients(location.settings(settings))
    try:
        presence = wiring.find_missing(resources, factory)
    except wiring.PresenceCheckError as exc:
        return TriggerStatus(name, UNKNOWN, location, len(resources), reason=str(exc))
    return TriggerStatus(name, MISSING if presence.missing else PRESENT, location, len(resources), presence.missing)


def describe_status(status: TriggerStatus, here: Location) -> str:
    """`applied and present`, `applied but missing: ADDRESSES` or `not applied`, saying where when not here."""
    if status.state == NOT_APPLIED:
        return "not applied"
    if not status.declared:
        return f"{_describe_applied(status, here)}; not in the project file: `trig destroy all` removes it"
    return _describe_applied(status, here)


def _describe_applied(status: TriggerStatus, here: Location) -> str:
    where = ""
    elsewhere = status.location is not None and not same_endpoint(status.location.endpoint, here.endpoint)
    if status.location is not None and (elsewhere or status.location != dataclasses.replace(
            here, endpoint=status.location.endpoint)):
        where = f" ({status.location.describe(endpoint=elsewhere)})"
    if status.state == PRESENT:
        return f"applied and present{where}"
    if status.state == MISSING:
        return f"applied but missing: {', '.join(status.missing)}{where}"
    count = f"{status.resources} resources" if status.resources is not None else "resources"
    where = f" {status.location.describe(endpoint=elsewhere)}" if status.location is not None else ""
    return f"applied ({count}{where}), presence unknown: {status.reason}"
