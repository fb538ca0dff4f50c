"""Stream experiments: a mapping reads the stream in batches, in order, and retries a failing batch.

They run one after another on a single shard, the never-succeeding batch last: on an engine
that retries it for ever, it blocks the shard until the probe stack is destroyed.
"""

from __future__ import annotations

import json

from orchestrator.logwatch import wait_for_log_events
from orchestrator.semantics.asynchronous import Destination
from orchestrator.semantics.probe import read_probe_lines
from orchestrator.semantics.verdicts import (
    Row, judge_batch_sizes, judge_exactly_once_in_order, judge_retry_until_success, judge_stream_retry_limit,
    lines_for,
)
from orchestrator.triggers.base import Target, now_ms

RECORDS = 25
FAILURES = 2
PARTITION_KEY = "probe"
# Watch this long after the expected last invocation for one that must not come.
SETTLE_SECONDS = 2.5


def _put(target: Target, stream: str, instructions: list[str]) -> list[str]:
    """Put records in one call, in order, on one shard; returns their sequence numbers."""
    answer = target.client("kinesis").put_records(StreamName=stream, Records=[
        {"Data": text.encode(), "PartitionKey": PARTITION_KEY} for text in instructions])
    return [entry.get("SequenceNumber", "") for entry in answer["Records"]]


def observed_batches(target: Target, send, ids: list[str], nonce: str, timeout: float) -> list[list[str]]:
    """Send one answering record per id through send(instructions), wait until every id was processed
    (then a moment longer, for a duplicate), and return the batches the probe logged, as lists of ids."""
    start = now_ms()
    send([f"answer.{nonce}.{record}" for record in ids])

    def batches(lines) -> list[list[str]]:
        return [list(line.ids) for line in lines_for(lines, nonce) if line.ok]

    wait_for_log_events(lambda: read_probe_lines(target, start),
                        lambda lines: len({r for b in batches(lines) for r in b}) >= len(ids), timeout)
    wait_for_log_events(lambda: read_probe_lines(target, start),
                        lambda lines: sum(map(len, batches(lines))) > len(ids), SETTLE_SECONDS)
    return batches(read_probe_lines(target, start))


def invocations_until_success(target: Target, send, record: str, failures: int, nonce: str, timeout: float) -> list:
    """Send one record that fails `failures` times, wait for its success (then a moment longer, for an
    invocation too many), and return the probe's lines for it."""
    start = now_ms()
    send([f"fail-{failures}.{nonce}.{record}"])
    wait_for_log_events(lambda: read_probe_lines(target, start),
                        lambda lines: any(line.ok for line in lines_for(lines, nonce)), timeout)
    wait_for_log_events(lambda: read_probe_lines(target, start),
                        lambda lines: len(lines_for(lines, nonce)) > failures + 1, SETTLE_SECONDS)
    return lines_for(read_probe_lines(target, start), nonce)


def _batch_rows(target: Target, stream: str, batch_size: int, nonce: str, timeout: float) -> list[Row]:
    ids = [f"r{index:02d}" for index in range(RECORDS)]
    seen = observed_batches(target, lambda instructions: _put(target, stream, instructions), ids, nonce, timeout)
    size = judge_batch_sizes(seen, batch_size)
    once = judge_exactly_once_in_order(seen, ids)
    return [
        Row("kinesis", "stream", "batch size honoured",
            f"{RECORDS} records with batch_size = {batch_size} arrive in invocations of at most {batch_size} records",
            size.observed, size.verdict, nonce, size.counts),
        Row("kinesis", "stream", "each record once, in order",
            f"all {RECORDS} records are processed exactly once, in the order they were put (one shard)",
            once.observed, once.verdict, nonce, once.counts),
    ]


def _retry_row(target: Target, stream: str, nonce: str, timeout: float) -> Row:
    start = now_ms()
    _put(target, stream, [f"fail-{FAILURES}.{nonce}.head"])
    # The records behind go in once the head has failed, so they queue behind a failing batch.
    wait_for_log_events(lambda: lines_for(read_probe_lines(target, start), nonce), bool, timeout)
    behind = ["next1", "next2"]
    _put(target, stream, [f"answer.{nonce}.{record}" for record in behind])

    def done(lines) -> bool:
        processed = {r for line in lines_for(lines, nonce) if line.ok for r in line.ids}
        return set(behind) <= processed

    wait_for_log_events(lambda: read_probe_lines(target, start), done, timeout)
    lines = lines_for(read_probe_lines(target, start), nonce)
    judged = judge_retry_until_success(lines, "head", FAILURES, behind)
    return Row("kinesis", "stream", "failing batch retried, order kept",
               f"a batch failing {FAILURES} times is retried until it succeeds ({FAILURES + 1} invocations); "
               "records behind it wait and follow in order",
               judged.observed, judged.verdict, nonce, judged.counts)


def _limit_row(target: Target, stream: str, values: dict, nonce: str, timeout: float) -> Row:
    retries = int(values["maximum_retry_attempts"])
    mapping_uuid = target.outputs.of("kinesis", "event_source_mapping_uuid")
    mapping = target.client("lambda").get_event_source_mapping(UUID=mapping_uuid)
    accepted = (mapping.get("MaximumRetryAttempts") == retries
                and bool(((mapping.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")))
    destination = Destination(target, target.outputs.of("kinesis", "on_failure_queue_url"))
    start = now_ms()
    [sequence] = _put(target, stream, [f"raise.{nonce}.stuck"])

    def in_destination() -> bool:
        # AWS describes the batch (shard and sequence range), without the data.
        for body in destination.drain():
            try:
                info = json.loads(body).get("KinesisBatchInfo") or {}
                if int(info["startSequenceNumber"]) <= int(sequence) <= int(info["endSequenceNumber"]):
                    return True
            except (ValueError, KeyError, TypeError, AttributeError):
                pass
            if nonce in body:
                return True
        return False

    def count(lines) -> int:
        return len(lines_for(lines, nonce))

    # Either the engine gives up (enough invocations and the batch in the destination)
    # or it shows that it keeps going (one invocation more than allowed).
    wait_for_log_events(lambda: read_probe_lines(target, start),
                        lambda lines: count(lines) > 1 + retries or (count(lines) == 1 + retries and in_destination()),
                        timeout)
    wait_for_log_events(lambda: read_probe_lines(target, start), lambda lines: count(lines) > 2 + retries,
                        SETTLE_SECONDS)
    judged = judge_stream_retry_limit(count(read_probe_lines(target, start)), retries, in_destination(), accepted)
    return Row("kinesis", "stream", "retry limit and destination",
               f"with maximum_retry_attempts = {retries} and an on-failure destination, an always-failing batch "
               f"stops after {1 + retries} invocations and is described in the destination",
               judged.observed, judged.verdict, nonce, judged.counts)


def run_stream_experiments(target: Target, values: dict, new_nonce, timeout: float) -> list[Row]:
    """Batching and order, retry until success, then the retry limit (last: it may block the shard)."""
    stream = target.outputs.of("kinesis", "stream_name")
    rows = _batch_rows(target, stream, int(values["batch_size"]), new_nonce(), timeout)
    rows.append(_retry_row(target, stream, new_nonce(), timeout))
    rows.append(_limit_row(target, stream, values, new_nonce(), timeout))
    return rows
