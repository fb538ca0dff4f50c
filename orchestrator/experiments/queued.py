"""Asynchronous experiments: the source queues the event; Lambda retries a failure, then uses the on-failure destination."""

from __future__ import annotations

import time
from collections.abc import Callable

from orchestrator.applied import AppliedTrigger, now_ms
from orchestrator.experiments.destination import Destination
from orchestrator.experiments.probe_log import ProbeWatch
from orchestrator.experiments.verdicts import (
    Row, judge_async_always_raise, judge_async_fail_once, judge_async_returns_first, lines_for, unlogged,
)

SLEEP_MS = 2000
# After the event reaches the destination, watch this long for an invocation that must not come.
SETTLE_SECONDS = 2.0


def run_queued_experiments(target: AppliedTrigger, trigger: str, action: str, fire: Callable[[str], object], queue_url: str,
                           retries: int, new_nonce: Callable[[], str], timeout: float,
                           accepted: bool | None = None) -> list[Row]:
    """Slow, always-raising and fail-once events fired together through fire(instruction), then judged
    from the probe's lines and records and the on-failure queue. action names the call fire makes (PutObject, Publish...).

    accepted (whether the engine reads the retry settings back) lets a row say `not modelled` when the
    engine took the settings but made no retry; None keeps the plain pass/fail rules.
    """
    destination = Destination(target, queue_url)
    slow, always, once = new_nonce(), new_nonce(), new_nonce()
    probe = ProbeWatch(target, now_ms(), (slow, always, once))

    sent_ms = int(time.time() * 1000)
    fire(f"sleep-{SLEEP_MS}.{slow}.a")
    returned_ms = int(time.time() * 1000)
    fire(f"raise.{always}.a")
    fire(f"fail-1.{once}.a")

    def settled(lines) -> bool:
        return (len(lines_for(lines, slow)) >= 1 and len(lines_for(lines, always)) >= 1 + retries
                and any(line.ok for line in lines_for(lines, once)))

    # An engine that makes no retry never settles: then the whole timeout was the window for retries.
    all_settled = probe.until(settled, timeout).found
    probe.until(bool, timeout / 2 if all_settled else SETTLE_SECONDS, read=lambda: destination.holds(always))
    # Anything still to come (one retry too many, a late destination message) shows within this.
    probe.until(lambda lines: len(lines_for(lines, always)) > 1 + retries or len(lines_for(lines, once)) > 2,
                SETTLE_SECONDS)
    lines = probe.lines()
    destination.drain()

    def row(prop: str, expected: str, nonce: str, judged) -> Row:
        return Row(trigger, "asynchronous", prop, expected, judged.observed, judged.verdict, nonce, judged.counts,
                   probe.waited, unlogged(lines_for(lines, nonce)))

    slow_lines = lines_for(lines, slow)
    judged = judge_async_returns_first(sent_ms, returned_ms, slow_lines[0].finished_ms if slow_lines else None,
                                       action)
    rows = [row("event is queued", f"{action} returns before a function sleeping {SLEEP_MS} ms finishes", slow, judged)]

    judged = judge_async_always_raise(len(lines_for(lines, always)), retries, destination.holds(always), accepted)
    rows.append(row("failure retried, then sent on",
                    f"an always-raising function is invoked 1 + maximum_retry_attempts = {1 + retries} times, "
                    "then the event reaches the on-failure destination", always, judged))

    once_lines = lines_for(lines, once)
    judged = judge_async_fail_once(len(once_lines), bool(once_lines) and once_lines[-1].ok, destination.holds(once),
                                   accepted)
    rows.append(row("retry recovers", "a function failing once is invoked twice and nothing reaches the destination",
                    once, judged))
    return rows
