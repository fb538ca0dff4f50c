"""Checks of a project's own functions: fire one event carrying a nonce through the real trigger, then read what
trig's redirect recorded (orchestrator/redirect): which invocation received the event, by its identity, and
whether the user's handler returned or raised. The user's function need not log anything.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError

from orchestrator.applied import AppliedTrigger, now_ms
from orchestrator.confirmation import (
    Confirmation, HeldOutput, last_lines, silent_note, silent_or_cut, wait_for_lines,
)
from orchestrator.functions import Wired
from orchestrator.logwatch import LogEvent

RECEIVED = "TRIG-RECEIVED "
OUTCOME = "TRIG-OUTCOME "
TIMED_OUT = "Task timed out after"
# What an own API trigger's check sends: the nonce as a query parameter of the trigger's path.
QUERY_NAME = "trig"


def _records(messages: Iterable[str], prefix: str) -> list[dict]:
    found = []
    for message in messages:
        at = message.find(prefix)
        if at < 0:
            continue
        try:
            record = json.loads(message[at + len(prefix):])
        except ValueError:
            continue
        if isinstance(record, dict):
            found.append(record)
    return found


@dataclass(frozen=True)
class Received:
    """What the redirect recorded of the invocations whose event carried one nonce."""

    requests: list[str] = field(default_factory=list)  # invocations that received it, in order
    outcomes: list[dict] = field(default_factory=list)  # their outcomes, in order
    timed_out: bool = False

    @property
    def failure(self) -> dict | None:
        return next((o for o in self.outcomes if not o.get("ok")), None)

    @property
    def returned(self) -> bool:
        return any(o.get("ok") for o in self.outcomes)


def received(events: list[LogEvent], nonce: str) -> Received:
    """The invocations that received an event carrying nonce, and their outcomes."""
    messages = [e.message for e in events]
    # One record per request: a raised error's traceback carries its two lines again (see the redirect).
    requests = list(dict.fromkeys(str(r.get("request")) for r in _records(messages, RECEIVED)
                                  if any(nonce in str(identity) for identity in r.get("ids") or [])))
    outcomes = list({str(o.get("request")): o for o in _records(messages, OUTCOME)
                     if str(o.get("request")) in requests}.values())
    timed_out = bool(requests) and any(TIMED_OUT in e.message for e in events)
    return Received(requests, outcomes, timed_out)


def cut_short(events: list[LogEvent]) -> list[str]:
    """Invocations whose output the engine may hold: the silent ones, and the finished ones that logged
    their TRIG-RECEIVED line but whose TRIG-OUTCOME line is nowhere in the log (the engine stopped reading)."""
    answered = {str(o.get("request")) for o in _records((e.message for e in events), OUTCOME)}
    return silent_or_cut(events, lambda invocation: any(str(r.get("request")) not in answered
                                                        for r in _records(invocation.output, RECEIVED)))


def _settled(nonce: str, expect_log: str | None):
    def settled(events: list[LogEvent]) -> bool:
        seen = received(events, nonce)
        if seen.failure is not None or seen.timed_out:
            return True
        return seen.returned and (expect_log is None or any(expect_log in e.message for e in events))
    return settled


def confirm_received(target: AppliedTrigger, start_ms: int, timeout: float, nonce: str, sent: str,
                     expect_log: str | None = None) -> Confirmation:
    """Wait until the function's invocation that received the nonce's event has returned (and logged expect_log,
    if given) or failed; say which, with the function's error, or that nothing received the event."""
    held = HeldOutput(target, cut_short)
    watched = wait_for_lines(target, start_ms, timeout, _settled(nonce, expect_log), held)
    seen = received(watched.seen, nonce)
    where = f"{target.function_name} (request {seen.requests[0]})" if seen.requests else target.function_name
    lines = last_lines(watched.seen)
    if seen.failure is not None:
        frame = f" at {seen.failure['frame']}" if seen.failure.get("frame") else ""
        return Confirmation(False, f"delivered to {where}, which failed: {seen.failure.get('error')}{frame}",
                            lines, watched.waited, held.released, reached=True)
    if seen.timed_out:
        return Confirmation(False, f"delivered to {where}, which failed: {TIMED_OUT} its timeout",
                            lines, watched.waited, held.released, reached=True)
    if seen.returned and watched.found:
        logged = f", and logged {expect_log!r}" if expect_log else ""
        return Confirmation(True, f"event {nonce} received by {where}, which returned{logged}",
                            lines, watched.waited, held.released, reached=True)
    if seen.returned:
        return Confirmation(False, f"event {nonce} received by {where}, which returned but never logged "
                                   f"{expect_log!r} (waited {watched.waited:.1f} s)", lines, watched.waited, held.released,
                            reached=True)
    if seen.requests:
        limit = _timeout_of(target)
        why = (f": no outcome within its timeout of {limit} s, so it timed out (or the engine lost its output)"
               if limit is not None and watched.waited >= limit else "")
        return Confirmation(False, f"event {nonce} received by {where}, which had not finished after "
                                   f"{watched.waited:.1f} s{why}", lines, watched.waited, held.released,
                            reached=bool(why))
    return Confirmation(False, f"no invocation of {target.function_name} received the event carrying {nonce} after "
                               f"{sent}{silent_note(watched.seen)} (waited {watched.waited:.1f} s)",
                        lines, watched.waited, held.released)


def _timeout_of(target: AppliedTrigger) -> int | None:
    """The function's timeout in seconds, as the engine has it (None when it cannot say)."""
    try:
        return int(target.client("lambda").get_function_configuration(FunctionName=target.function_name)["Timeout"])
    except (ClientError, BotoCoreError, KeyError, TypeError, ValueError):
        return None


def check_own(wired: Wired, target: AppliedTrigger, nonce: str, timeout: float) -> Confirmation:
    """Fire one event carrying nonce through a project trigger and confirm from the redirect's records; an API
    trigger's answer must be 2xx (or its expect_status), and is reported with its body's start."""
    kind = wired.type
    expect_log = wired.expect_log.replace("{nonce}", nonce) if wired.expect_log else None
    start = now_ms()
    if kind.name == "api":
        status, body = kind.get(target, {QUERY_NAME: nonce})
        answer = f"HTTP {status}: {body[:200]}"
        # Whatever the status, the redirect's records say whether the request reached the function.
        confirmation = confirm_received(target, start, timeout, nonce, "GET", expect_log)
        expected = wired.expect_status
        if (status != expected) if expected is not None else not 200 <= status < 300:
            return dataclasses.replace(confirmation, confirmed=False,
                                       detail=f"{answer} (expected {expected or '2xx'}); {confirmation.detail}")
        return dataclasses.replace(confirmation, detail=f"{answer}; {confirmation.detail}")
    text = wired.event.read_text(encoding="utf-8").replace("{nonce}", nonce) if wired.event else kind.payload(nonce)
    kind.send(target, [text])
    return confirm_received(target, start, timeout, nonce, f"{kind.action} to {kind.source(target)}", expect_log)
