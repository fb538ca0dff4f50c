"""Reading a function's CloudWatch log lines and waiting, with tenacity, for the ones an event must produce."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from tenacity import RetryError, Retrying, retry_if_result, stop_after_delay, wait_exponential

T = TypeVar("T")

_REQUEST_LINE = re.compile(r"^(START|END|REPORT) RequestId: (\S+)")


@dataclass(frozen=True)
class LogEvent:
    timestamp: int
    message: str
    stream: str
    event_id: str = ""


@dataclass(frozen=True)
class Watched(Generic[T]):
    """The outcome of a wait: whether the awaited evidence showed, the last read, and how long was waited."""

    found: bool
    seen: T
    waited: float


def read_log_events(logs_client, group: str, start_ms: int, pattern: str = "") -> list[LogEvent]:
    """Every event of a log group from start_ms on, following nextToken through all pages."""
    kwargs = {"logGroupName": group, "startTime": start_ms}
    if pattern:
        kwargs["filterPattern"] = pattern
    events: list[LogEvent] = []
    try:
        while True:
            page = logs_client.filter_log_events(**kwargs)
            events.extend(
                LogEvent(e["timestamp"], e.get("message", "").rstrip("\n"), e.get("logStreamName", ""), e.get("eventId", ""))
                for e in page.get("events", [])
            )
            token = page.get("nextToken")
            if not token or token == kwargs.get("nextToken"):
                return events
            kwargs["nextToken"] = token
    except logs_client.exceptions.ResourceNotFoundException:
        return events


def _not_yet(found: bool) -> bool:
    return not found


def watch(read: Callable[[], T], found: Callable[[T], bool], budget: float,
          first_wait: float = 0.1, max_wait: float = 1.0) -> Watched[T]:
    """Read again and again, with growing pauses, until found(read()) holds or the budget in seconds is spent.

    "Not found" is only concluded from a read made once the whole budget has passed: an empty
    or partial read earlier on (log lines lag their invocation under load) decides nothing.
    """
    last: list = []
    started = time.monotonic()

    def poll() -> bool:
        seen = read()
        last[:] = [seen]
        return found(seen)

    retrying = Retrying(retry=retry_if_result(_not_yet), stop=stop_after_delay(budget),
                        wait=wait_exponential(multiplier=first_wait, min=first_wait, max=max_wait))
    try:
        retrying(poll)
    except RetryError:
        return Watched(False, last[0], round(time.monotonic() - started, 1))
    return Watched(True, last[0], round(time.monotonic() - started, 1))


@dataclass
class Invocation:
    """The log lines of one invocation of the function, from START to REPORT."""

    request_id: str
    stream: str
    first_timestamp: int
    lines: list[str] = field(default_factory=list)
    complete: bool = False

    @property
    def output(self) -> list[str]:
        """The lines the function itself wrote (the platform's START, END and REPORT left out)."""
        return [line for line in self.lines if not _REQUEST_LINE.match(line)]


def group_invocations(events: list[LogEvent]) -> list[Invocation]:
    """Split log events into invocations: per stream, lines between START and END, then REPORT."""
    by_id: dict[str, Invocation] = {}
    current: dict[str, Invocation] = {}
    for event in sorted(events, key=lambda e: e.timestamp):
        match = _REQUEST_LINE.match(event.message)
        if match and match.group(1) == "START":
            invocation = Invocation(match.group(2), event.stream, event.timestamp, [event.message])
            by_id[invocation.request_id] = current[event.stream] = invocation
        elif match:
            invocation = by_id.get(match.group(2))
            if invocation is not None:
                invocation.lines.append(event.message)
                invocation.complete = invocation.complete or match.group(1) == "END"
            if match.group(1) == "END":
                current.pop(event.stream, None)
        elif event.stream in current:
            current[event.stream].lines.append(event.message)
    return sorted(by_id.values(), key=lambda i: i.first_timestamp)
