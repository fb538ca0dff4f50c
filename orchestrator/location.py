"""Where each trigger's state was applied (endpoint, region, account), so nothing it made is ever lost track of.

The record is written before Terraform first runs in a location and removed only once a
destroy has emptied the state: a failed or interrupted apply keeps it. A state without a
record (written before trig kept one) is placed by the ARNs its resources carry.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from orchestrator.errors import UsageError
from orchestrator.settings import Settings, is_loopback_endpoint
from orchestrator.terraform.state import StateResource, trigger_resources, workspace_resources

log = logging.getLogger(__name__)

_ARN = re.compile(r"^arn:aws[\w-]*:[\w-]+:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):")


@dataclass(frozen=True)
class Location:
    endpoint: str
    region: str
    account_id: str

    @classmethod
    def of(cls, settings: Settings) -> Location:
        return cls(settings.endpoint, settings.region, settings.account_id)

    def settings(self, base: Settings) -> Settings:
        """base, pointed at this location."""
        return dataclasses.replace(base, endpoint=self.endpoint, region=self.region, account_id=self.account_id)

    def describe(self, endpoint: bool = False) -> str:
        """`in us-east-1 for account 000000000000`, with ` at ENDPOINT` when asked."""
        return f"in {self.region} for account {self.account_id}" + (f" at {self.endpoint}" if endpoint else "")


def workspace_of(location: Location) -> str:
    """The workspace that holds every trigger applied in one region for one account: `000000000000-us-east-1`.

    One workspace per place, not per trigger: one Terraform run (one load of the AWS provider's
    schema) plans, applies or destroys any number of triggers there. The endpoint is not part of
    the name: a place's resources live at one endpoint at a time, recorded per trigger.
    """
    return f"{location.account_id}-{location.region}"


class AppliedElsewhereError(UsageError):
    """An apply or plan would put a trigger somewhere other than where its state's resources are."""

    def __init__(self, message: str, *, elsewhere: dict[str, Location]):
        super().__init__(message)
        self.elsewhere = elsewhere


def _path(settings: Settings, workspace: str) -> Path:
    return settings.home / "terraform" / "applied" / f"{workspace}.location.json"


def record_location(settings: Settings, workspace: str) -> None:
    """Remember that the workspace's resources are being made at the settings' endpoint, region and account."""
    path = _path(settings, workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(dataclasses.asdict(Location.of(settings))) + "\n")
    temporary.replace(path)


def recorded_location(settings: Settings, workspace: str) -> Location | None:
    try:
        return Location(**json.loads(_path(settings, workspace).read_text()))
    except (OSError, ValueError, TypeError):
        return None


def forget_location(settings: Settings, workspace: str) -> None:
    _path(settings, workspace).unlink(missing_ok=True)


def recorded_names(settings: Settings) -> list[str]:
    """Every workspace instance with a location record under trig's home (applied, or being applied), by name."""
    root = settings.home / "terraform" / "applied"
    return sorted(p.name.removesuffix(".location.json") for p in root.glob("*.location.json")) if root.is_dir() else []


def location_from_arns(resources: Iterable[StateResource], endpoint: str) -> Location | None:
    """The region and account of the first regional ARN among the resources' attributes (IAM and S3 name none)."""
    for resource in resources:
        for value in resource.attributes.values():
            if isinstance(value, str) and (match := _ARN.match(value)):
                return Location(endpoint, match.group(1), match.group(2))
    return None


def applied_location(settings: Settings, workspace: str, resources: list[StateResource]) -> Location | None:
    """Where the workspace's resources are: None when its state holds none; else the record, else their ARNs."""
    if not resources:
        return None
    return (recorded_location(settings, workspace) or location_from_arns(resources, settings.endpoint)
            or Location.of(settings))


_PLACE = re.compile(r"^(?P<account>\d{12})-(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+)$")


def place_workspaces(settings: Settings) -> list[str]:
    """The workspaces of places under trig's home (`000000000000-us-east-1`), by name."""
    root = settings.home / "terraform" / "state"
    return sorted(p.name for p in root.iterdir() if _PLACE.match(p.name)) if root.is_dir() else []


def state_location(settings: Settings, name: str) -> Location:
    """The place whose state holds (or will hold) a trigger: its record; else a place whose state holds it
    (a record lost); else where the settings point."""
    recorded = recorded_location(settings, name)
    if recorded is not None:
        return recorded
    for workspace in place_workspaces(settings):
        if trigger_resources(settings.home, workspace, name):
            match = _PLACE.match(workspace)
            return Location(settings.endpoint, match.group("region"), match.group("account"))
    return Location.of(settings)


def resources_of(settings: Settings, name: str) -> list[StateResource] | None:
    """A trigger's resources in its place's state: [] when none, None when the state cannot be read here."""
    return trigger_resources(settings.home, workspace_of(state_location(settings, name)), name)


def placed_triggers(settings: Settings, names: Iterable[str]) -> dict[str, Location]:
    """Where each trigger whose state holds resources has them (triggers with none left out)."""
    placed = {}
    for name in names:
        resources = resources_of(settings, name)
        location = (recorded_location(settings, name) if resources is None
                    else applied_location(settings, name, resources))
        if location is not None:
            placed[name] = location
    return placed


def legacy_states(settings: Settings) -> list[str]:
    """Workspaces left by a trig that kept one state per trigger (`state/api/`), still holding resources."""
    root = settings.home / "terraform" / "state"
    found = []
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        if _PLACE.match(folder.name):
            continue
        if workspace_resources(settings.home, folder.name):
            found.append(folder.name)
    return found


def refuse_legacy_states(settings: Settings) -> None:
    """Refuse to work beside states of the one-state-per-trigger layout: their resources would be lost track of."""
    legacy = legacy_states(settings)
    if legacy:
        raise UsageError(f"{settings.home / 'terraform' / 'state'} holds states of an older trig ({', '.join(legacy)}: one "
                         "state per trigger): destroy them with that trig (`trig destroy all`), or delete those "
                         "folders if the emulator that held them is gone, then run this again.")


def _endpoint_key(endpoint: str) -> tuple:
    parts = urllib.parse.urlsplit(endpoint)
    host = "loopback" if is_loopback_endpoint(endpoint) else (parts.hostname or "")
    return parts.scheme, host, parts.port or {"http": 80, "https": 443}.get(parts.scheme)


def same_endpoint(first: str, second: str) -> bool:
    """True when two endpoint URLs reach the same server: localhost, 127.0.0.1 and ::1 are one host."""
    return _endpoint_key(first) == _endpoint_key(second)


def is_stale(settings: Settings, location: Location, answers: Callable[[str], bool]) -> bool:
    """True when the resources were made by another emulator that no longer answers: they went with it."""
    return not same_endpoint(location.endpoint, settings.endpoint) and not answers(location.endpoint)


def refuse_applied_elsewhere(settings: Settings, placed: dict[str, Location], answers: Callable[[str], bool]) -> list[str]:
    """Refuse when a trigger's resources are at another region, account or live endpoint than the settings name.

    placed maps each trigger to where its state's resources are. Returns the triggers whose
    location is stale (another emulator, gone): their resources went with it, so an apply
    may proceed and its new record replaces the stale one.
    """
    here = Location.of(settings)
    stale, elsewhere = [], {}
    for name, location in placed.items():
        if is_stale(settings, location, answers):
            stale.append(name)
            log.warning("%s: its state records resources at %s, where nothing answers any more; they went with that "
                        "emulator, so trig forgets them and applies at %s", name, location.endpoint, settings.endpoint)
        elif (not same_endpoint(location.endpoint, here.endpoint)
              or (location.region, location.account_id) != (here.region, here.account_id)):
            elsewhere[name] = location
    if elsewhere:
        raise AppliedElsewhereError(_elsewhere_message(here, elsewhere), elsewhere=elsewhere)
    return stale


def _elsewhere_message(here: Location, elsewhere: dict[str, Location]) -> str:
    """`api is applied in us-east-1 for account 000000000000; run `trig destroy api` first ..., then apply in eu-west-1.`"""
    other_endpoint = any(not same_endpoint(loc.endpoint, here.endpoint) for loc in elsewhere.values())
    by_location: dict[Location, list[str]] = {}
    for name, location in elsewhere.items():
        by_location.setdefault(location, []).append(name)
    where = ", ".join(f"{', '.join(names)} {'is' if len(names) == 1 else 'are'} applied "
                      f"{location.describe(endpoint=other_endpoint)}" for location, names in by_location.items())
    wanted = []
    if any(loc.region != here.region for loc in elsewhere.values()):
        wanted.append(f"in {here.region}")
    if any(loc.account_id != here.account_id for loc in elsewhere.values()):
        wanted.append(f"for account {here.account_id}")
    if other_endpoint:
        wanted.append(f"at {here.endpoint}")
    them = "it" if len(elsewhere) == 1 else "them"
    return (f"{where}; run `trig destroy {' '.join(elsewhere)}` first (it destroys {them} there), "
            f"then apply {' '.join(wanted)}.")


def destroy_location(settings: Settings, workspace: str, location: Location, answers: Callable[[str], bool]) -> Location:
    """Where to destroy a workspace: where its resources are, or at the settings' endpoint when they were made by
    another emulator that no longer answers (Terraform then finds them gone and empties the state)."""
    if is_stale(settings, location, answers):
        log.warning("%s: its state records resources at %s, where nothing answers any more; they went with that "
                    "emulator, so trig clears the state against %s", workspace, location.endpoint, settings.endpoint)
        return dataclasses.replace(location, endpoint=settings.endpoint)
    return location
