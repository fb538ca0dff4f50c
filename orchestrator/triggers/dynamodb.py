"""Stream-based: a mapping reads the table's stream in batches; the function logs each change's event name and nonce."""

from __future__ import annotations

from orchestrator.settings import Settings
from orchestrator.triggers.base import Confirmation, MappedTrigger, Target, confirm_marker, now_ms

_BATCH_WRITE_LIMIT = 25
# Experiments: records put for the batch-size row, failures before the retried batch succeeds,
# and how long to watch for an invocation that must not come.
RECORDS = 25
FAILURES = 2
SETTLE_SECONDS = 2.5


def item(target: Target, nonce: str) -> dict:
    key = target.outputs.of("dynamodb", "hash_key")
    return {key: {"S": f"trig-check-{nonce}"}, "nonce": {"S": nonce}}


class DynamodbTrigger(MappedTrigger):
    name = "dynamodb"
    invocation = "stream"
    description = "DynamoDB table stream (NEW_AND_OLD_IMAGES) read by an event source mapping"
    defaults = {
        "function_name": "dynamodb-trigger-test",
        "table": "lambda-test-table",
        "batch_size": 100,
        "starting_position": "TRIM_HORIZON",
        "timeout": 10,
        "memory_size": 128,
    }

    def marker(self, target: Target, nonce: str) -> str:
        return f"INSERT nonce = {nonce}"

    def fire_load(self, target: Target, nonces: list[str], concurrency: int, timeout: float) -> None:
        table = target.outputs.of("dynamodb", "table_name")
        dynamodb = target.client("dynamodb")
        for start in range(0, len(nonces), _BATCH_WRITE_LIMIT):
            pending = {table: [{"PutRequest": {"Item": item(target, n)}} for n in nonces[start:start + _BATCH_WRITE_LIMIT]]}
            # BatchWriteItem may leave some items unprocessed (throttling); resend exactly those.
            for _ in range(5):
                pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
                if not pending:
                    break
        return None

    def fire_and_confirm(self, target: Target, nonce: str, timeout: float) -> Confirmation:
        table = target.outputs.of("dynamodb", "table_name")
        start = now_ms()
        target.client("dynamodb").put_item(TableName=table, Item=item(target, nonce))
        return confirm_marker(target, start, timeout, self.marker(target, nonce), f"PutItem to {table}")

    def probe_defaults(self, settings: Settings) -> dict[str, object]:
        return {"table": "trig-probe-table", "batch_size": 10, "starting_position": "TRIM_HORIZON",
                "maximum_retry_attempts": 2, "bisect_batch_on_function_error": False,
                "on_failure_queue": "trig-probe-dynamodb-failures"}

    def run_semantics(self, target: Target, values: dict, new_nonce, timeout: float):
        """Batch size, retry of a failing batch until it succeeds, then the retry limit (last: it may block the stream)."""
        rows = [_batch_row(target, int(values["batch_size"]), new_nonce(), timeout),
                _retry_row(target, new_nonce(), timeout),
                _limit_row(target, int(values["maximum_retry_attempts"]), new_nonce(), timeout)]
        return rows


# The experiments import the semantics package when they run: it imports the trigger registry.

def _put(target: Target, instructions: list[str]) -> None:
    """Put one item per instruction, in order; the probe reads the instruction from the new image."""
    dynamodb = target.client("dynamodb")
    table, key = target.outputs.of("dynamodb", "table_name"), target.outputs.of("dynamodb", "hash_key")
    for text in instructions:
        dynamodb.put_item(TableName=table, Item={key: {"S": text}, "probe": {"S": text}})


def _batch_row(target: Target, batch_size: int, nonce: str, timeout: float):
    from orchestrator.semantics.stream import observed_batches
    from orchestrator.semantics.verdicts import Row, judge_batch_sizes

    ids = [f"r{index:02d}" for index in range(RECORDS)]
    judged = judge_batch_sizes(observed_batches(target, lambda texts: _put(target, texts), ids, nonce, timeout),
                               batch_size)
    return Row("dynamodb", "stream", "batch size honoured",
               f"{RECORDS} items put with batch_size = {batch_size} arrive in invocations of at most {batch_size} records",
               judged.observed, judged.verdict, nonce, judged.counts)


def _retry_row(target: Target, nonce: str, timeout: float):
    from orchestrator.semantics.stream import invocations_until_success
    from orchestrator.semantics.verdicts import Row, judge_retry_until_success

    lines = invocations_until_success(target, lambda texts: _put(target, texts), "head", FAILURES, nonce, timeout)
    judged = judge_retry_until_success(lines, "head", FAILURES, [])
    return Row("dynamodb", "stream", "failing batch retried",
               f"a batch failing {FAILURES} times is retried until it succeeds ({FAILURES + 1} invocations)",
               judged.observed, judged.verdict, nonce, judged.counts)


def _limit_row(target: Target, retries: int, nonce: str, timeout: float):
    from orchestrator.logwatch import wait_for_log_events
    from orchestrator.semantics.asynchronous import Destination
    from orchestrator.semantics.probe import read_probe_lines
    from orchestrator.semantics.verdicts import Row, judge_stream_retry_limit, lines_for

    mapping_uuid = target.outputs.of("dynamodb", "event_source_mapping_uuid")
    mapping = target.client("lambda").get_event_source_mapping(UUID=mapping_uuid)
    accepted = (mapping.get("MaximumRetryAttempts") == retries
                and bool(((mapping.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")))
    destination = Destination(target, target.outputs.of("dynamodb", "on_failure_queue_url"))
    start = now_ms()
    _put(target, [f"raise.{nonce}.stuck"])

    def in_destination() -> bool:
        # AWS describes the batch (shard and sequence range) without its records; only this
        # experiment's batch can fail for good, so any description is of it.
        return any("DDBStreamBatchInfo" in body or nonce in body for body in destination.drain())

    def count(lines) -> int:
        return len(lines_for(lines, nonce))

    wait_for_log_events(lambda: read_probe_lines(target, start),
                        lambda lines: count(lines) > 1 + retries or (count(lines) == 1 + retries and in_destination()),
                        timeout)
    wait_for_log_events(lambda: read_probe_lines(target, start), lambda lines: count(lines) > 2 + retries,
                        SETTLE_SECONDS)
    judged = judge_stream_retry_limit(count(read_probe_lines(target, start)), retries, in_destination(), accepted)
    return Row("dynamodb", "stream", "retry limit and destination",
               f"with maximum_retry_attempts = {retries} and an on-failure destination, an always-failing batch "
               f"stops after {1 + retries} invocations and is described in the destination",
               judged.observed, judged.verdict, nonce, judged.counts)
