"""Synchronous experiments: the caller waits for the probe and gets its answer; an error is not retried."""

from __future__ import annotations

from collections.abc import Callable

from orchestrator.applied import AppliedTrigger, now_ms
from orchestrator.experiments.probe_log import ProbeWatch
from orchestrator.experiments.verdicts import Row, judge_sync_answer, judge_sync_raise, lines_for, unlogged

# How long to keep watching after the first invocation, for a retry that must not come.
SETTLE_SECONDS = 2.0


def _invocations(probe: ProbeWatch, nonce: str, timeout: float) -> list:
    """The invocations for nonce: wait (the whole budget if need be) for the first, then a little longer for more."""
    probe.until(lambda lines: bool(lines_for(lines, nonce)), timeout)
    probe.until(lambda lines: len(lines_for(lines, nonce)) > 1, SETTLE_SECONDS)
    return lines_for(probe.lines(), nonce)


def run_answer_experiments(target: AppliedTrigger, trigger: str, ask: Callable[[str], tuple[int, str]],
                           new_nonce: Callable[[], str], timeout: float) -> list[Row]:
    """ask(instruction) makes one request and returns (HTTP status, body): the answer is carried through
    the response; a raising function gives a 5xx and one invocation."""
    rows = []
    nonce = new_nonce()
    probe = ProbeWatch(target, now_ms(), (nonce,))
    status, body = ask(f"answer.{nonce}.a")
    lines = _invocations(probe, nonce, timeout)
    judged = judge_sync_answer(status, body, f"probe {nonce} a", len(lines))
    rows.append(Row(trigger, "synchronous", "response carries the answer",
                    "HTTP 200 whose body is the function's return value; one invocation",
                    judged.observed, judged.verdict, nonce, judged.counts, probe.waited, unlogged(lines)))

    nonce = new_nonce()
    probe = ProbeWatch(target, now_ms(), (nonce,))
    status, _ = ask(f"raise.{nonce}.a")
    lines = _invocations(probe, nonce, timeout)
    judged = judge_sync_raise(status, len(lines))
    rows.append(Row(trigger, "synchronous", "error is not retried",
                    "a raising function gives a 5xx response and exactly one invocation (no retry)",
                    judged.observed, judged.verdict, nonce, judged.counts, probe.waited, unlogged(lines)))
    return rows
