"""Asynchronous: an EventBridge rule invokes the function on its schedule and on matching custom events."""

from __future__ import annotations

import json
import re

from orchestrator.batches import chunks, send_all
from orchestrator.confirmation import Confirmation, HeldOutput, cut_after, last_lines, silent_note, wait_for_lines
from orchestrator.experiments.destination import invoke_config_accepted
from orchestrator.experiments.queued import run_queued_experiments
from orchestrator.experiments.verdicts import Row
from orchestrator.settings import Settings
from orchestrator.triggers.base import AppliedTrigger, NewNonce, Trigger, TypeRow, now_ms

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


def entry(target: AppliedTrigger, detail: dict) -> dict:
    return {"Source": target.outputs.of("schedule", "event_source"), "DetailType": DETAIL_TYPE,
            "Detail": json.dumps(detail), "EventBusName": "default"}


class ScheduleTrigger(Trigger):
    name = "schedule"
    source_setting = "rule"
    listed = 5
    invocation = "asynchronous"
    banner = "EventBridge trigger Lambda"
    action = "PutEvents"
    row = TypeRow(
        trigger='EventBridge rule `lambda-test-schedule`: `rate(1 minute)` and the pattern `{"source": ["trig.check"]}`, permission `events-rule`',
        aws_does="invokes on the schedule and on every matching event, asynchronously",
        check_fires='`PutEvents` from `trig.check` with the detail `{"nonce": <nonce>}`; with `--timeout` ≥ 75 the scheduled firing is awaited too',
        confirms='`detail = {"nonce": "<nonce>"}` (and `Scheduled Event from aws.events`) in `/aws/lambda/schedule-trigger-test`',
    )
    defaults = {
        "function_name": "schedule-trigger-test",
        "rule": "lambda-test-schedule",
        "schedule_expression": "rate(1 minute)",
        "event_source": "trig.check",
        "timeout": 10,
        "memory_size": 128,
    }

    def send(self, target: AppliedTrigger, texts: list[str], concurrency: int = 1) -> None:
        """PutEvents from the rule's event source, one event per text, its detail {"nonce": text}."""
        events = target.client("events")

        def put(entries: list[dict]) -> list[dict]:
            answer = events.put_events(Entries=entries)
            return [e for e, result in zip(entries, answer["Entries"]) if "ErrorCode" in result]

        for chunk in chunks([entry(target, {"nonce": text}) for text in texts], _PUT_EVENTS_LIMIT):
            send_all(put, chunk, f"PutEvents from {self.source(target)}")

    def source(self, target: AppliedTrigger) -> str:
        return str(target.outputs.of("schedule", "event_source"))

    def payload(self, nonce: str) -> str:
        return nonce

    def marker(self, target: AppliedTrigger, nonce: str) -> str:
        return detail_line(nonce)

    def fire_and_confirm(self, target: AppliedTrigger, nonce: str, timeout: float) -> Confirmation:
        """PutEvents with the nonce in the detail; when the timeout covers one period of the schedule,
        the scheduled firing is awaited too (opt in with a long enough --timeout)."""
        started = now_ms()
        expected = detail_line(nonce)
        self.send(target, [self.payload(nonce)])
        held = HeldOutput(target, cut_after(self.banner))
        watched = wait_for_lines(target, started, timeout, lambda evs: any(e.message.endswith(expected) for e in evs),
                                 held)
        if not watched.found:
            return Confirmation(False, f"no {expected!r} line in {target.log_group}{silent_note(watched.seen)}"
                                       f"{held.note(False)} (waited {watched.waited:.1f} s)",
                                last_lines(watched.seen), watched.waited, held.released)
        detail = f"{expected!r} in {target.log_group}{held.note(True)}"
        expression = target.outputs.of("schedule", "schedule_expression")
        period = rate_seconds(expression)
        if period is None or timeout < period + SCHEDULE_SLACK_SECONDS:
            return Confirmation(True, f"{detail}; {expression} not awaited (needs --timeout {(period or 0) + SCHEDULE_SLACK_SECONDS})"
                                if period else f"{detail}; {expression} not awaited", waited=watched.waited,
                                released=held.released)
        # A firing within the last period counts: the rule may have fired just before the check.
        window_start = started - period * 1000
        remaining = timeout - (now_ms() - started) / 1000
        scheduled = wait_for_lines(target, window_start + 1000, remaining,
                                   lambda evs: any(e.message.endswith(SCHEDULED + " from aws.events") for e in evs))
        waited = round(watched.waited + scheduled.waited, 1)
        if scheduled.found:
            return Confirmation(True, f"{detail}; scheduled firing ({expression}) logged too", waited=waited,
                                released=held.released)
        return Confirmation(False, f"{detail}, but no scheduled firing ({expression}) within {timeout:.0f} s "
                                   f"(waited {waited:.1f} s)", last_lines(scheduled.seen), waited, held.released)

    def probe_defaults(self, settings: Settings) -> dict[str, object]:
        return {"rule": "trig-probe-rule", "schedule_expression": "rate(1 hour)", "event_source": "trig.probe",
                "maximum_retry_attempts": 1, "on_failure_queue": "trig-probe-schedule-failures"}

    def run_semantics(self, target: AppliedTrigger, values: dict, new_nonce: NewNonce, timeout: float) -> list[Row]:
        retries = int(values["maximum_retry_attempts"])
        return run_queued_experiments(target, self.name, self.action, lambda text: self.send(target, [text]),
                                      target.outputs.of("schedule", "on_failure_queue_url"), retries, new_nonce, timeout,
                                      accepted=invoke_config_accepted(target, retries))
