"""Asynchronous: an EventBridge rule invokes the function on its schedule and on matching custom events."""

from __future__ import annotations

import json
import re

from orchestrator.settings import Settings
from orchestrator.triggers.base import Confirmation, Target, Trigger, last_lines, now_ms, wait_for_lines

DETAIL_TYPE = "trig check"
SCHEDULED = "Scheduled Event"
# An emulator's scheduler looks at its rules every few seconds (MiniStack: 10 s); AWS within a minute.
SCHEDULE_SLACK_SECONDS = 15
_PUT_EVENTS_LIMIT = 10
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str) -> int | None:
    """Seconds between firings of a rate() expression; None for cron() (no fixed period)."""
    match = _RATE.match(expression.strip())
    if not match:
        return None
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2).rstrip("s")]


def detail_line(nonce: str) -> str:
    """How the function logs the detail of the event carrying nonce."""
    return f"detail = {json.dumps({'nonce': nonce}, sort_keys=True)}"


def entry(target: Target, detail: dict) -> dict:
    return {"Source": target.outputs.of("schedule", "event_source"), "DetailType": DETAIL_TYPE,
            "Detail": json.dumps(detail), "EventBusName": "default"}


class ScheduleTrigger(Trigger):
    name = "schedule"
    invocation = "asynchronous"
    description = "EventBridge rule: a schedule expression and a custom event pattern, targeting the function"
    defaults = {
        "function_name": "schedule-trigger-test",
        "rule": "lambda-test-schedule",
        "schedule_expression": "rate(1 minute)",
        "event_source": "trig.check",
        "timeout": 10,
        "memory_size": 128,
    }

    def marker(self, target: Target, nonce: str) -> str:
        return detail_line(nonce)

    def fire_load(self, target: Target, nonces: list[str], concurrency: int, timeout: float) -> None:
        events = target.client("events")
        for start in range(0, len(nonces), _PUT_EVENTS_LIMIT):
            chunk = [entry(target, {"nonce": n}) for n in nonces[start:start + _PUT_EVENTS_LIMIT]]
            answer = events.put_events(Entries=chunk)
            if answer.get("FailedEntryCount"):
                # Resend only the entries refused (throttling); the rest are in.
                events.put_events(Entries=[e for e, r in zip(chunk, answer["Entries"]) if "ErrorCode" in r])
        return None

    def fire_and_confirm(self, target: Target, nonce: str, timeout: float) -> Confirmation:
        """PutEvents with the nonce in the detail; when the timeout covers one period of the schedule,
        the scheduled firing is awaited too (opt in with a long enough --timeout)."""
        started = now_ms()
        expected = detail_line(nonce)
        answer = target.client("events").put_events(Entries=[entry(target, {"nonce": nonce})])
        if answer.get("FailedEntryCount"):
            return Confirmation(False, f"PutEvents refused the event: {answer['Entries']}")
        found, events = wait_for_lines(target, started, timeout, lambda evs: any(e.message.endswith(expected) for e in evs))
        if not found:
            return Confirmation(False, f"no {expected!r} line in {target.log_group}", last_lines(events))
        detail = f"{expected!r} in {target.log_group}"
        expression = target.outputs.of("schedule", "schedule_expression")
        period = rate_seconds(expression)
        if period is None or timeout < period + SCHEDULE_SLACK_SECONDS:
            return Confirmation(True, f"{detail}; {expression} not awaited (needs --timeout {(period or 0) + SCHEDULE_SLACK_SECONDS})"
                                if period else f"{detail}; {expression} not awaited")
        # A firing within the last period counts: the rule may have fired just before the check.
        window_start = started - period * 1000
        remaining = timeout - (now_ms() - started) / 1000
        fired, events = wait_for_lines(target, window_start + 1000, remaining,
                                       lambda evs: any(e.message.endswith(SCHEDULED + " from aws.events") for e in evs))
        if fired:
            return Confirmation(True, f"{detail}; scheduled firing ({expression}) logged too")
        return Confirmation(False, f"{detail}, but no scheduled firing ({expression}) within {timeout:.0f} s",
                            last_lines(events))

    def probe_defaults(self, settings: Settings) -> dict[str, object]:
        return {"rule": "trig-probe-rule", "schedule_expression": "rate(1 hour)", "event_source": "trig.probe",
                "maximum_retry_attempts": 1, "on_failure_queue": "trig-probe-schedule-failures"}

    def run_semantics(self, target: Target, values: dict, new_nonce, timeout: float):
        from orchestrator.semantics.asynchronous import invoke_config_accepted, run_queued_experiments

        events = target.client("events")
        retries = int(values["maximum_retry_attempts"])

        def fire(instruction: str) -> None:
            answer = events.put_events(Entries=[entry(target, {"probe": instruction})])
            if answer.get("FailedEntryCount"):
                raise RuntimeError(f"PutEvents refused the probe event: {answer['Entries']}")

        return run_queued_experiments(target, self.name, "PutEvents", fire,
                                      target.outputs.of("schedule", "on_failure_queue_url"), retries, new_nonce, timeout,
                                      accepted=invoke_config_accepted(target, retries))
