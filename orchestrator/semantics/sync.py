"""Synchronous experiments: API Gateway waits for the probe and returns its answer; no retries."""

from __future__ import annotations

from orchestrator.aws import signed_headers
from orchestrator.semantics.probe import ProbeWatch
from orchestrator.semantics.verdicts import Row, judge_sync_answer, judge_sync_raise, lines_for, unlogged
from orchestrator.triggers.api import http_get, invoke_url
from orchestrator.triggers.base import Target, now_ms

# How long to keep watching after the first invocation, for a retry that must not come.
SETTLE_SECONDS = 2.0


def _get(target: Target, instruction: str) -> tuple[int, str]:
    url = invoke_url(target, {"probe": instruction})
    return http_get(url, signed_headers("GET", url, target.settings))


def _invocations(probe: ProbeWatch, nonce: str, timeout: float) -> list:
    """The invocations for nonce: wait (the whole budget if need be) for the first, then a little longer for more."""
    probe.until(lambda lines: bool(lines_for(lines, nonce)), timeout)
    probe.until(lambda lines: len(lines_for(lines, nonce)) > 1, SETTLE_SECONDS)
    return lines_for(probe.lines(), nonce)


def run_sync_experiments(target: Target, new_nonce, timeout: float) -> list[Row]:
    """Answer carried through the response; a raising function gives a 5xx and one invocation."""
    rows = []
    nonce = new_nonce()
    probe = ProbeWatch(target, now_ms(), (nonce,))
    status, body = _get(target, f"answer.{nonce}.a")
    lines = _invocations(probe, nonce, timeout)
    judged = judge_sync_answer(status, body, f"probe {nonce} a", len(lines))
    rows.append(Row("api", "synchronous", "response carries the answer",
                    "HTTP 200 whose body is the function's return value; one invocation",
                    judged.observed, judged.verdict, nonce, judged.counts, probe.waited, unlogged(lines)))

    nonce = new_nonce()
    probe = ProbeWatch(target, now_ms(), (nonce,))
    status, _ = _get(target, f"raise.{nonce}.a")
    lines = _invocations(probe, nonce, timeout)
    judged = judge_sync_raise(status, len(lines))
    rows.append(Row("api", "synchronous", "error is not retried",
                    "a raising function gives a 5xx response and exactly one invocation (no retry)",
                    judged.observed, judged.verdict, nonce, judged.counts, probe.waited, unlogged(lines)))
    return rows
