"""Reading a function's CloudWatch log lines and waiting, with tenacity, for the ones an event must produce."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tenacity import RetryError, Retrying, retry_if_result, stop_after_delay, wait_exponential


@dataclass(frozen=True)
class LogEvent:
    timestamp: int
    message: str
    stream: str
    event_id: str = ""


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


def wait_for_log_events(
    read: Callable[[], list[LogEvent]],
    found: Callable[[list[LogEvent]], bool],
    timeout: float,
    first_wait: float = 0.1,
    max_wait: float = 1.0,
) -> tuple[bool, list[LogEvent]]:
    """Poll read() with growing waits until found(events) holds or timeout passes; returns (found, last events)."""
    last: list[LogEvent] = []

    def poll() -> bool:
        nonlocal last
        last = read()
        return found(last)

    retrying = Retrying(
        retry=retry_if_result(lambda ok: not ok),
        stop=stop_after_delay(timeout),
        wait=wait_exponential(multiplier=first_wait, min=first_wait, max=max_wait),
    )
    try:
        retrying(poll)
    except RetryError:
        return False, last
    return True, last
