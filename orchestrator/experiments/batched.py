"""Batch experiments, for every source Lambda polls (a Kinesis or DynamoDB stream, an SQS queue).

A mapping reads the source in batches, in order, and retries a failing batch. The experiments
run one after another on a single shard or queue, the never-succeeding batch last: on an engine
that retries it for ever, it blocks the shard until the probe stack is destroyed. Each takes
send(texts), which puts one record per probe instruction into the source, in order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from orchestrator.applied import AppliedTrigger, now_ms
from orchestrator.experiments.destination import Destination
from orchestrator.experiments.probe_log import ProbeWatch
from orchestrator.experiments.verdicts import (
    ProbeLine, Row, judge_batch_sizes, judge_exactly_once_in_order, judge_retry_until_success,
    judge_stream_retry_limit, lines_for, unlogged,
)

Send = Callable[[list[str]], object]
# Watch this long after the expected last invocation for one that must not come.
SETTLE_SECONDS = 2.5


def observed_batches(target: AppliedTrigger, send: Send, ids: list[str], nonce: str,
                     timeout: float) -> tuple[list[list[str]], ProbeWatch]:
    """Send one answering record per id, wait until every id was processed (then a moment longer, for a
    duplicate), and return the batches the probe saw, as lists of ids, with the watch that waited for them."""
    probe = ProbeWatch(target, now_ms(), (nonce,))
    send([f"answer.{nonce}.{record}" for record in ids])

    def batches(lines) -> list[list[str]]:
        return [list(line.ids) for line in lines_for(lines, nonce) if line.ok]

    probe.until(lambda lines: len({r for b in batches(lines) for r in b}) >= len(ids), timeout)
    probe.until(lambda lines: sum(map(len, batches(lines))) > len(ids), SETTLE_SECONDS)
    return batches(probe.lines()), probe


def batch_rows(target: AppliedTrigger, trigger: str, invocation: str, send: Send, batch_size: int, count: int, unit: str,
               nonce: str, timeout: float, in_order: bool = False) -> list[Row]:
    """count records (messages, items: unit) in one go arrive in batches of at most batch_size; with in_order
    (one shard), also each exactly once and in the order sent."""
    ids = [f"{unit[0]}{index:02d}" for index in range(count)]
    seen, probe = observed_batches(target, send, ids, nonce, timeout)
    missed = probe.unlogged(nonce)
    size = judge_batch_sizes(seen, batch_size)
    rows = [Row(trigger, invocation, "batch size honoured",
                f"{count} {unit} with batch_size = {batch_size} arrive in invocations of at most {batch_size} {unit}",
                size.observed, size.verdict, nonce, size.counts, probe.waited, missed)]
    if in_order:
        once = judge_exactly_once_in_order(seen, ids)
        rows.append(Row(trigger, invocation, "each record once, in order",
                        f"all {count} {unit} are processed exactly once, in the order they were put (one shard)",
                        once.observed, once.verdict, nonce, once.counts, probe.waited, missed))
    return rows


def retry_row(target: AppliedTrigger, trigger: str, invocation: str, send: Send, failures: int, nonce: str, timeout: float,
              expected: str, behind: Sequence[str] = ()) -> Row:
    """A record failing `failures` times is retried until it succeeds; records sent behind it (once it has
    failed, so they queue behind a failing batch) must wait and follow in order."""
    probe = ProbeWatch(target, now_ms(), (nonce,))
    send([f"fail-{failures}.{nonce}.head"])
    if behind:
        probe.until(lambda lines: bool(lines_for(lines, nonce)), timeout)
        send([f"answer.{nonce}.{record}" for record in behind])

    def done(lines: list[ProbeLine]) -> bool:
        ours = lines_for(lines, nonce)
        processed = {r for line in ours if line.ok for r in line.ids}
        return "head" in processed and set(behind) <= processed

    probe.until(done, timeout)
    # Then a moment longer, for an invocation too many.
    probe.until(lambda lines: len(lines_for(lines, nonce)) > failures + 1 + (1 if behind else 0), SETTLE_SECONDS)
    lines = lines_for(probe.lines(), nonce)
    judged = judge_retry_until_success(lines, "head", failures, list(behind))
    return Row(trigger, invocation, "failing batch retried, order kept" if behind else "failing batch retried",
               expected, judged.observed, judged.verdict, nonce, judged.counts, probe.waited, unlogged(lines))


def keeps_failing(target: AppliedTrigger, send: Send, nonce: str, allowed: int, arrived: Callable[[], bool],
                  timeout: float) -> tuple[list[ProbeLine], ProbeWatch]:
    """Send one record that always fails; wait until the engine gives up (allowed invocations made and
    arrived() holds) or shows it keeps going (one invocation more); then watch a moment for one more.
    Returns the probe's lines for the record."""
    probe = ProbeWatch(target, now_ms(), (nonce,))
    send([f"raise.{nonce}.stuck"])

    def count(lines: list[ProbeLine]) -> int:
        return len(lines_for(lines, nonce))

    probe.until(lambda lines: count(lines) > allowed or (count(lines) == allowed and arrived()), timeout)
    probe.until(lambda lines: count(lines) > allowed + 1, SETTLE_SECONDS)
    return lines_for(probe.lines(), nonce), probe


def retry_limit_row(target: AppliedTrigger, trigger: str, send: Send, retries: int, accepted: bool, queue_url: str,
                    batch_info: str, nonce: str, timeout: float) -> Row:
    """An always-failing batch stops after 1 + retries invocations and is described in the on-failure queue.

    AWS describes the batch (its shard and sequence range, under batch_info such as KinesisBatchInfo)
    without its records; only this experiment's batch can fail for good, so any description is of it.
    """
    destination = Destination(target, queue_url)

    def described() -> bool:
        return any(batch_info in body or nonce in body for body in destination.drain())

    lines, probe = keeps_failing(target, send, nonce, 1 + retries, described, timeout)
    judged = judge_stream_retry_limit(len(lines), retries, described(), accepted)
    return Row(trigger, "stream", "retry limit and destination",
               f"with maximum_retry_attempts = {retries} and an on-failure destination, an always-failing batch "
               f"stops after {1 + retries} invocations and is described in the destination",
               judged.observed, judged.verdict, nonce, judged.counts, probe.waited, unlogged(lines))
