"""Synchronous experiments: API Gateway waits for the probe and returns its answer; no retries."""

from __future__ import annotations

from orchestrator.aws import signed_headers
from orchestrator.logwatch import wait_for_log_events
from orchestrator.semantics.probe import read_probe_lines
from orchestrator.semantics.verdicts import Row, judge_sync_answer, judge_sync_raise, lines_for
from orchestrator.triggers.api import http_get, invoke_url
from orchestrator.triggers.base import Target, now_ms

# How long to keep watching after the first invocation, for a retry that must not come.
SETTLE_SECONDS = 2.0


def _get(target: Target, instruction: str) -> tuple[int, str]:
    url = invoke_url(target, {"probe": instruction})
    return http_get(url, signed_headers("GET", url, target.settings))


def _invocations(target: Target, start: int, nonce: str, timeout: float) -> int:
    """Invocations logged for nonce: wait for the first, then watch a little longer for more."""
    wait_for_log_events(lambda: lines_for(read_probe_lines(target, start), nonce), bool, timeout)
    wait_for_log_events(lambda: lines_for(read_probe_lines(target, start), nonce), lambda lines: len(lines) > 1,
                        SETTLE_SECONDS)
    return len(lines_for(read_probe_lines(target, start), nonce))


def run_sync_experiments(target: Target, new_nonce, timeout: float) -> list[Row]:
    """Answer carried through the response; a raising function gives a 5xx and one invocation."""
    rows = []
    nonce = new_nonce()
    start = now_ms()
    status, body = _get(target, f"answer.{nonce}.a")
    judged = judge_sync_answer(status, body, f"probe {nonce} a", _invocations(target, start, nonce, timeout))
    rows.append(Row("api", "synchronous", "response carries the answer",
                    "HTTP 200 whose body is the function's return value; one invocation",
                    judged.observed, judged.verdict, nonce, judged.counts))

    nonce = new_nonce()
    start = now_ms()
    status, _ = _get(target, f"raise.{nonce}.a")
    judged = judge_sync_raise(status, _invocations(target, start, nonce, timeout))
    rows.append(Row("api", "synchronous", "error is not retried",
                    "a raising function gives a 5xx response and exactly one invocation (no retry)",
                    judged.observed, judged.verdict, nonce, judged.counts))
    return rows
