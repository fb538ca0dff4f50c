"""`trig logs`: a trigger's function log lines, like `aws logs tail`, optionally followed until Ctrl-C."""

from __future__ import annotations

import contextlib
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone

from botocore.exceptions import EndpointConnectionError

from orchestrator import emulator
from orchestrator.errors import EmulatorError, UsageError
from orchestrator.logwatch import LogEvent, read_log_events
from orchestrator.settings import Settings
from orchestrator.checking import applied_target
from orchestrator.applied import AppliedTrigger, now_ms

_DURATION = re.compile(r"^(\d+)([smhdw]?)$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> float:
    """Seconds in a duration such as 30s, 10m, 2h, 1d or 1w (a bare number is seconds)."""
    match = _DURATION.match(text.strip())
    if not match:
        raise UsageError(f"--since {text!r} is not a duration: write it as 30s, 10m, 2h or 1d.")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def format_event(event: LogEvent) -> str:
    """One line as `aws logs tail` prints it: UTC time, stream, message."""
    stamp = datetime.fromtimestamp(event.timestamp / 1000, tz=timezone.utc).isoformat(timespec="milliseconds")
    return f"{stamp.replace('+00:00', 'Z')} {event.stream} {event.message}"


def tail_logs(settings: Settings, name: str, since_seconds: float, follow: bool, emit: Callable[[LogEvent], None],
              poll_seconds: float = 1.0, should_stop: Callable[[], bool] = lambda: False,
              pause: Callable[[float], object] = time.sleep) -> int:
    """Emit the function's log events from since_seconds ago (every page); with follow, keep polling for new ones.

    Returns how many events were emitted. Following ends on Ctrl-C (KeyboardInterrupt) or when should_stop() holds;
    pause(seconds) waits between reads (an Event's wait ends it early).
    """
    _, target = applied_target(settings, name, any_of_function=True)
    return tail_target(target, since_seconds, follow, emit, poll_seconds, should_stop, pause)


def tail_target(target: AppliedTrigger, since_seconds: float, follow: bool, emit: Callable[[LogEvent], None],
                poll_seconds: float = 1.0, should_stop: Callable[[], bool] = lambda: False,
                pause: Callable[[float], object] = time.sleep) -> int:
    """tail_logs of one applied function, however it was found (trig's own stacks or a team's root)."""
    settings = target.settings
    logs = target.client("logs")
    start = now_ms() - int(since_seconds * 1000)
    seen: set[tuple] = set()
    emitted = 0
    while True:
        try:
            events = read_log_events(logs, target.log_group, start)
        except EndpointConnectionError:  # the emulator stopped while we followed it
            raise EmulatorError(emulator.unreachable_message(settings.endpoint)) from None
        for event in sorted(events, key=lambda e: (e.timestamp, e.event_id)):
            key = (event.event_id or None, event.timestamp, event.stream, event.message)
            if key in seen:
                continue
            seen.add(key)
            emit(event)
            emitted += 1
            start = max(start, event.timestamp)
        seen = {k for k in seen if k[1] >= start}  # older events are never read again
        if not follow or should_stop():
            return emitted
        pause(poll_seconds)


@contextlib.contextmanager
def stop_on_interrupt() -> Iterator[threading.Event]:
    """An event a first Ctrl-C sets (a follow loop then ends at its next turn, whatever it was waiting for);
    a second Ctrl-C interrupts at once, as Python's own handler does."""
    stop = threading.Event()
    previous = signal.getsignal(signal.SIGINT)

    def first(signum, frame) -> None:
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    signal.signal(signal.SIGINT, first)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)
