"""Rows of `trig check --semantics` and the pure rules that turn observations into verdicts.

Nothing here talks to the emulator: experiments gather numbers, these functions judge them,
so every rule is unit-tested on its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from orchestrator.logwatch import LogEvent

PASS = "pass"
FAIL = "fail"
NOT_MODELLED = "not modelled"
PROBE_PREFIX = "PROBE "


@dataclass(frozen=True)
class Row:
    """One property of one invocation type: what AWS documents, what the engine did, and the verdict."""

    trigger: str
    invocation: str
    property: str
    expected: str
    observed: str
    verdict: str
    nonce: str = ""
    counts: dict[str, object] = field(default_factory=dict)
    waited: float = 0.0  # seconds the experiment waited for its evidence (a whole budget when something never came)
    unlogged: int = 0  # invocations counted from the probe's records because the engine never logged them


@dataclass(frozen=True)
class Judgement:
    verdict: str
    observed: str
    counts: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ProbeLine:
    """One invocation of the probe, from its `PROBE {json}` log line or the record it keeps of itself."""

    request_id: str
    nonces: tuple[str, ...]
    ids: tuple[str, ...]
    attempts: dict[str, int]
    outcome: str
    started_ms: int
    finished_ms: int
    logged: bool = True  # False: known from the probe's record only; the engine never logged the line

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


def parse_probe_json(text: str, logged: bool = True) -> ProbeLine | None:
    """One invocation from the probe's JSON (a PROBE line without its prefix, or a record); None if malformed."""
    try:
        data = json.loads(text)
        return ProbeLine(
            request_id=str(data.get("request_id", "")), nonces=tuple(data["nonces"]), ids=tuple(data["ids"]),
            attempts={str(k): int(v) for k, v in data.get("attempts", {}).items()}, outcome=str(data["outcome"]),
            started_ms=int(data["started_ms"]), finished_ms=int(data["finished_ms"]), logged=logged,
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def parse_probe_lines(events: Iterable[LogEvent]) -> list[ProbeLine]:
    """The probe's invocation lines among log events, in the order the invocations started."""
    lines = []
    for event in events:
        text = event.message.strip()
        if text.startswith(PROBE_PREFIX) and (line := parse_probe_json(text[len(PROBE_PREFIX):])) is not None:
            lines.append(line)
    return merge_probe_lines(lines, [])


def merge_probe_lines(logged: Iterable[ProbeLine], recorded: Iterable[ProbeLine]) -> list[ProbeLine]:
    """One line per invocation, in start order, whether logged, recorded or both (then it counts as logged).

    A line may be read twice when log pages overlap, and most invocations are both logged and
    recorded; one request is one invocation.
    """
    unique: dict[object, ProbeLine] = {}
    for line in recorded:
        unique[line.request_id or id(line)] = line
    for line in logged:
        unique[line.request_id or id(line)] = line
    return sorted(unique.values(), key=lambda line: (line.started_ms, line.finished_ms))


def unlogged(lines: Iterable[ProbeLine]) -> int:
    """How many invocations the engine never logged (the probe's record shows them)."""
    return sum(1 for line in lines if not line.logged)


def lines_for(lines: Iterable[ProbeLine], nonce: str) -> list[ProbeLine]:
    return [line for line in lines if nonce in line.nonces]


def _verdict(ok: bool) -> str:
    return PASS if ok else FAIL


# -- synchronous ----------------------------------------------------------------------------

def judge_sync_answer(status: int, body: str, expected_answer: str, invocations: int) -> Judgement:
    """The HTTP response must be 200 and carry the function's own answer."""
    try:
        answer = json.loads(body).get("answer")
    except (ValueError, AttributeError):
        answer = None
    observed = f"HTTP {status}, answer {answer!r}, {invocations} invocation(s) in the logs"
    return Judgement(_verdict(status == 200 and answer == expected_answer and invocations == 1), observed,
                     {"status": status, "invocations": invocations})


def judge_sync_raise(status: int, invocations: int) -> Judgement:
    """A raising function gives a 5xx and is invoked exactly once: synchronous calls are not retried."""
    observed = f"HTTP {status}, {invocations} invocation(s) in the logs"
    return Judgement(_verdict(500 <= status <= 599 and invocations == 1), observed,
                     {"status": status, "invocations": invocations})


# -- asynchronous ---------------------------------------------------------------------------

def judge_async_returns_first(put_sent_ms: int, put_returned_ms: int, finished_ms: int | None,
                              action: str = "PutObject") -> Judgement:
    """The firing call (PutObject, Publish, PutEvents) must return before the slow function finishes."""
    if finished_ms is None:
        return Judgement(FAIL, f"{action} returned after {put_returned_ms - put_sent_ms} ms; the function never logged",
                         {"put_ms": put_returned_ms - put_sent_ms})
    observed = (f"{action} returned after {put_returned_ms - put_sent_ms} ms; "
                f"the function finished {finished_ms - put_sent_ms} ms after the call was sent")
    return Judgement(_verdict(put_returned_ms < finished_ms), observed,
                     {"put_ms": put_returned_ms - put_sent_ms, "finished_after_ms": finished_ms - put_sent_ms,
                      "finished_ms": finished_ms})


def judge_async_always_raise(invocations: int, max_retries: int, in_destination: bool,
                             accepted: bool | None = None) -> Judgement:
    """Exactly 1 + maximum_retry_attempts invocations, then the event in the on-failure destination.

    With accepted (the engine reads the settings back), a single invocation and nothing sent on means
    the engine took the settings without acting on them: not modelled.
    """
    observed = f"{invocations} invocation(s); event {'in' if in_destination else 'not in'} the destination"
    counts = {"invocations": invocations, "in_destination": in_destination}
    if invocations == 1 + max_retries and in_destination:
        return Judgement(PASS, observed, counts)
    if accepted and max_retries > 0 and invocations == 1 and not in_destination:
        return Judgement(NOT_MODELLED, observed + " (no retry; invoke config reads back as set)", counts)
    return Judgement(FAIL, observed, counts)


def judge_async_fail_once(invocations: int, last_ok: bool, in_destination: bool,
                          accepted: bool | None = None) -> Judgement:
    """A function failing once is invoked twice, succeeds, and sends nothing to the destination."""
    observed = (f"{invocations} invocation(s), last {'succeeded' if last_ok else 'failed'}; "
                f"event {'in' if in_destination else 'not in'} the destination")
    counts = {"invocations": invocations, "in_destination": in_destination}
    if invocations == 2 and last_ok and not in_destination:
        return Judgement(PASS, observed, counts)
    if accepted and invocations == 1 and not last_ok and not in_destination:
        return Judgement(NOT_MODELLED, observed + " (no retry; invoke config reads back as set)", counts)
    return Judgement(FAIL, observed, counts)


# -- stream ---------------------------------------------------------------------------------

def judge_batch_sizes(batches: Sequence[Sequence[str]], batch_size: int) -> Judgement:
    """No invocation carries more than batch_size records."""
    sizes = [len(batch) for batch in batches]
    observed = f"{len(sizes)} invocation(s) of {', '.join(map(str, sizes)) or 'no'} record(s)"
    return Judgement(_verdict(bool(sizes) and max(sizes) <= batch_size), observed,
                     {"invocations": len(sizes), "sizes": sizes})


def judge_exactly_once_in_order(batches: Sequence[Sequence[str]], sent: Sequence[str]) -> Judgement:
    """Every record sent is processed once, in the order it was put (one shard)."""
    seen = [record for batch in batches for record in batch]
    duplicates = len(seen) - len(set(seen))
    missing = [record for record in sent if record not in seen]
    in_order = [record for record in seen if record in sent] == list(sent)
    observed = (f"{len(set(seen) & set(sent))} of {len(sent)} records, {duplicates} duplicate(s), "
                f"{'in order' if in_order else 'out of order'}")
    return Judgement(_verdict(not missing and duplicates == 0 and in_order), observed,
                     {"records": len(set(seen) & set(sent)), "duplicates": duplicates, "in_order": in_order})


def judge_retry_until_success(lines: Sequence[ProbeLine], failing_id: str, failures: int,
                              behind: Sequence[str]) -> Judgement:
    """The failing record's batch is retried until it succeeds (failures + 1 invocations);
    the records behind it are processed only after it, in order."""
    holding = [line for line in lines if failing_id in line.ids]
    successes = [record for line in lines if line.ok for record in line.ids]
    expected_order = [failing_id, *behind]
    order_kept = successes == expected_order
    observed = (f"{len(holding)} invocation(s) held {failing_id} "
                f"({sum(not line.ok for line in holding)} failed); processed in order "
                f"{', '.join(successes) or 'none'}")
    ok = len(holding) == failures + 1 and bool(holding) and holding[-1].ok and order_kept
    return Judgement(_verdict(ok), observed, {"invocations": len(holding), "order": successes})


def judge_stream_retry_limit(invocations: int, max_retries: int, in_destination: bool,
                             accepted: bool) -> Judgement:
    """With MaximumRetryAttempts and a destination: stop after 1 + max_retries and send the batch on.

    An engine that accepted the settings but keeps retrying does not model them.
    """
    observed = (f"{invocations} invocation(s); batch {'in' if in_destination else 'not in'} the destination; "
                f"mapping {'reports' if accepted else 'does not report'} the settings")
    counts = {"invocations": invocations, "in_destination": in_destination}
    if not accepted:
        return Judgement(FAIL, observed, counts)
    if invocations == 1 + max_retries and in_destination:
        return Judgement(PASS, observed, counts)
    if invocations > 1 + max_retries and not in_destination:
        return Judgement(NOT_MODELLED, observed + " (still retrying)", counts)
    return Judgement(FAIL, observed, counts)


# -- poll-based (SQS) -----------------------------------------------------------------------

def judge_redrive(invocations: int, max_receive_count: int, in_dead_letter_queue: bool, accepted: bool) -> Judgement:
    """A message whose batch always fails is received max_receive_count times, then moved to the dead-letter queue.

    An engine that reads the redrive policy back but keeps delivering the message does not model it.
    """
    observed = (f"{invocations} invocation(s); message {'in' if in_dead_letter_queue else 'not in'} the dead-letter "
                f"queue; queue {'reports' if accepted else 'does not report'} the redrive policy")
    counts = {"invocations": invocations, "in_dead_letter_queue": in_dead_letter_queue}
    if not accepted:
        return Judgement(FAIL, observed, counts)
    if invocations == max_receive_count and in_dead_letter_queue:
        return Judgement(PASS, observed, counts)
    if invocations > max_receive_count and not in_dead_letter_queue:
        return Judgement(NOT_MODELLED, observed + " (still delivered)", counts)
    return Judgement(FAIL, observed, counts)
