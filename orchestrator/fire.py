"""`trig fire`: one event of the user's choosing through a real trigger, and what came back.

For a synchronous trigger what comes back is the HTTP answer. For the others it is
the service's receipt and the log lines of the invocation the event caused: the
function's log group is read from the moment of sending, split into invocations
(START ... END, REPORT) and those whose lines carry the event's marker are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from orchestrator.errors import TrigError, UsageError
from orchestrator.logwatch import Invocation, LogEvent, group_invocations
from orchestrator.progress import Progress, step
from orchestrator.settings import Settings
from orchestrator.checking import applied_target
from orchestrator.applied import now_ms
from orchestrator.confirmation import wait_for_lines
from orchestrator.triggers.base import Sent, UserEvent

__all__ = ["FireResult", "Invocation", "fire_event", "group_invocations", "read_event_body"]


@dataclass(frozen=True)
class FireResult:
    trigger: str
    invocation: str
    sent: Sent
    invocations: list[Invocation]
    waited: bool

    @property
    def ok(self) -> bool:
        """True when the event produced what it should: an HTTP answer, or the invocation's log lines."""
        if self.sent.status is not None:
            return 200 <= self.sent.status < 300
        return not self.sent.expects_logs or bool(self.invocations)


def _matching(events: list[LogEvent], marker: str | None, carrying: str | None = None) -> list[Invocation]:
    """Complete invocations with a line ending with marker (if given) and one holding carrying (if given)."""
    return [i for i in group_invocations(events)
            if i.complete and (marker is None or any(line.endswith(marker) for line in i.lines))
            and (carrying is None or any(carrying in line for line in i.lines))]


def read_event_body(data: str | None, file: Path | None) -> bytes | None:
    """The event's body from --data or --file (not both)."""
    if data is not None and file is not None:
        raise UsageError("pass --data or --file, not both.")
    if file is None:
        return data.encode() if data is not None else None
    try:
        return file.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read --file {file}: {exc.strerror}.") from None


def fire_event(settings: Settings, name: str, event: UserEvent, timeout: float, progress: Progress = lambda m: None) -> FireResult:
    """Send the event through the applied trigger; for an asynchronous or stream one, wait for its invocation's lines."""
    wired, target = applied_target(settings, name)
    trigger = wired.type
    started = now_ms()
    try:
        sent = trigger.send_event(target, event, timeout)
    except (ClientError, BotoCoreError) as exc:
        raise TrigError(f"sending the event through {name} failed: {exc}") from None
    if not sent.expects_logs:
        return FireResult(name, trigger.invocation, sent, [], False)
    # A project's own function logs what it wants: its invocation is the one whose event the redirect saw carry
    # the nonce (any invocation after sending, for an event of the user's).
    marker, carrying = (None, sent.receipt.get("nonce")) if wired.own else (sent.marker, None)
    with step(progress, f"{name}: waiting for the invocation's log lines", done=f"waited for {name}'s invocation") as current:
        try:
            events = wait_for_lines(target, started, timeout, lambda evs: bool(_matching(evs, marker, carrying))).seen
        except (ClientError, BotoCoreError) as exc:
            raise TrigError(f"reading the logs of {name}'s function failed: {exc}") from None
        invocations = _matching(events, marker, carrying)
        current.outcome = f"{len(invocations)} logged" if invocations else "none logged"
    return FireResult(name, trigger.invocation, sent, invocations, True)
