"""Stream-based: a mapping reads the table's stream in batches; the function logs each change's event name and nonce."""

from __future__ import annotations

from orchestrator.batches import chunks, send_all
from orchestrator.experiments.batched import batch_rows, retry_limit_row, retry_row
from orchestrator.experiments.destination import mapping_accepted
from orchestrator.experiments.verdicts import Row
from orchestrator.settings import Settings
from orchestrator.triggers.base import MappedTrigger, NewNonce, Target

_BATCH_WRITE_LIMIT = 25
# Experiments: items put for the batch-size row, and failures before the retried batch succeeds.
RECORDS = 25
FAILURES = 2


class DynamodbTrigger(MappedTrigger):
    name = "dynamodb"
    invocation = "stream"
    action = "BatchWriteItem"
    description = "DynamoDB table stream (NEW_AND_OLD_IMAGES) read by an event source mapping"
    defaults = {
        "function_name": "dynamodb-trigger-test",
        "table": "lambda-test-table",
        "batch_size": 100,
        "starting_position": "TRIM_HORIZON",
        "timeout": 10,
        "memory_size": 128,
    }

    def send(self, target: Target, texts: list[str], concurrency: int = 1) -> None:
        """Put one item per text, its hash key and its `nonce` attribute the text (the function logs the latter)."""
        table = self.source(target)
        key = target.outputs["dynamodb"]["hash_key"]
        dynamodb = target.client("dynamodb")

        def write(requests: list[dict]) -> list[dict]:
            left = dynamodb.batch_write_item(RequestItems={table: requests}).get("UnprocessedItems") or {}
            return left.get(table, [])

        for chunk in chunks([{"PutRequest": {"Item": {key: {"S": text}, "nonce": {"S": text}}}} for text in texts],
                            _BATCH_WRITE_LIMIT):
            send_all(write, chunk, f"BatchWriteItem to {table}")

    def source(self, target: Target) -> str:
        return str(target.outputs["dynamodb"]["table_name"])

    def payload(self, nonce: str) -> str:
        return nonce

    def marker(self, target: Target, nonce: str) -> str:
        return f"INSERT nonce = {nonce}"

    def probe_defaults(self, settings: Settings) -> dict[str, object]:
        return {"table": "trig-probe-table", "batch_size": 10, "starting_position": "TRIM_HORIZON",
                "maximum_retry_attempts": 2, "bisect_batch_on_function_error": False,
                "on_failure_queue": "trig-probe-dynamodb-failures"}

    def run_semantics(self, target: Target, values: dict, new_nonce: NewNonce, timeout: float) -> list[Row]:
        """Batch size, retry of a failing batch until it succeeds, then the retry limit (last: it may block the stream)."""
        def send(texts: list[str]) -> None:
            self.send(target, texts)

        retries = int(values["maximum_retry_attempts"])
        outputs = target.outputs["dynamodb"]
        rows = batch_rows(target, self.name, self.invocation, send, int(values["batch_size"]), RECORDS, "items",
                          new_nonce(), timeout)
        rows.append(retry_row(target, self.name, self.invocation, send, FAILURES, new_nonce(), timeout,
                              f"a batch failing {FAILURES} times is retried until it succeeds ({FAILURES + 1} invocations)"))
        rows.append(retry_limit_row(target, self.name, send, retries,
                                    mapping_accepted(target, outputs["event_source_mapping_uuid"], retries),
                                    outputs["on_failure_queue_url"], "DDBStreamBatchInfo", new_nonce(), timeout))
        return rows
