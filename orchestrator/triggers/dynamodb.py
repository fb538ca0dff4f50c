"""Stream-based: a mapping reads the table's stream in batches; the function logs each change's event name and nonce."""

from __future__ import annotations

from orchestrator.batches import chunks, send_all
from orchestrator.triggers.base import AppliedTrigger, TypeRow
from orchestrator.triggers.streamed import StreamTrigger

_BATCH_WRITE_LIMIT = 25


class DynamodbTrigger(StreamTrigger):
    name = "dynamodb"
    source_setting = "table"
    listed = 6
    probe_source = {"table": "trig-probe-table"}
    record_unit = "items"
    ordered = False
    batch_info = "DDBStreamBatchInfo"
    action = "BatchWriteItem"
    row = TypeRow(
        trigger="DynamoDB table `lambda-test-table` with a `NEW_AND_OLD_IMAGES` stream and an event source mapping",
        aws_does="Lambda polls the stream in batches; a failing batch is retried until it succeeds or expires",
        check_fires="`BatchWriteItem` of an item whose hash key and `nonce` attribute are the nonce",
        confirms="`INSERT nonce = <nonce>` in `/aws/lambda/dynamodb-trigger-test`",
    )
    defaults = {
        "function_name": "dynamodb-trigger-test",
        "table": "lambda-test-table",
        "batch_size": 100,
        "starting_position": "TRIM_HORIZON",
        "timeout": 10,
        "memory_size": 128,
    }

    def send(self, target: AppliedTrigger, texts: list[str], concurrency: int = 1) -> None:
        """Put one item per text, its hash key and its `nonce` attribute the text (the function logs the latter)."""
        table = self.source(target)
        key = target.outputs.of("dynamodb", "hash_key")
        dynamodb = target.client("dynamodb")

        def write(requests: list[dict]) -> list[dict]:
            left = dynamodb.batch_write_item(RequestItems={table: requests}).get("UnprocessedItems") or {}
            return left.get(table, [])

        for chunk in chunks([{"PutRequest": {"Item": {key: {"S": text}, "nonce": {"S": text}}}} for text in texts],
                            _BATCH_WRITE_LIMIT):
            send_all(write, chunk, f"BatchWriteItem to {table}")

    def source(self, target: AppliedTrigger) -> str:
        return str(target.outputs.of("dynamodb", "table_name"))

    def payload(self, nonce: str) -> str:
        return nonce

    def marker(self, target: AppliedTrigger, nonce: str) -> str:
        return f"INSERT nonce = {nonce}"
