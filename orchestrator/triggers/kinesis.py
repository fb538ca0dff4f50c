"""Stream-based: Lambda polls the stream in batches and the function logs each record's data."""

from __future__ import annotations

import uuid

from orchestrator.batches import chunks, send_all
from orchestrator.errors import UsageError
from orchestrator.experiments.batched import batch_rows, retry_limit_row, retry_row
from orchestrator.experiments.destination import mapping_accepted
from orchestrator.experiments.verdicts import Row
from orchestrator.settings import Settings
from orchestrator.triggers.base import MappedTrigger, NewNonce, Sent, Target, UserEvent

_PUT_RECORDS_LIMIT = 500
PARTITION_KEY = "123"
# Experiments: records put for the batch-size row, and failures before the retried batch succeeds.
RECORDS = 25
FAILURES = 2


class KinesisTrigger(MappedTrigger):
    name = "kinesis"
    provider_wait_seconds = 20.0  # the provider waits about 20 s after CreateStream
    invocation = "stream"
    action = "PutRecords"
    description = "Kinesis stream read by an event source mapping"
    defaults = {
        "function_name": "kinesis-trigger-test",
        "stream": "lambda-test",
        "shard_count": 1,
        "batch_size": 100,
        "starting_position": "TRIM_HORIZON",
        "timeout": 10,
        "memory_size": 128,
    }

    def send(self, target: Target, texts: list[str], concurrency: int = 1) -> None:
        """PutRecords, one record per text (its data), all with one partition key: one shard, in order."""
        stream = self.source(target)
        kinesis = target.client("kinesis")

        def put(records: list[dict]) -> list[dict]:
            answer = kinesis.put_records(StreamName=stream, Records=records)
            return [r for r, result in zip(records, answer["Records"]) if "ErrorCode" in result]

        for chunk in chunks([{"Data": text.encode(), "PartitionKey": PARTITION_KEY} for text in texts],
                            _PUT_RECORDS_LIMIT):
            send_all(put, chunk, f"PutRecords to {stream}")

    def source(self, target: Target) -> str:
        return str(target.outputs["kinesis"]["stream_name"])

    def marker(self, target: Target, nonce: str) -> str:
        return f"Data = {self.payload(nonce)}"

    def probe_defaults(self, settings: Settings) -> dict[str, object]:
        return {"stream": "trig-probe-stream", "batch_size": 10, "starting_position": "TRIM_HORIZON",
                "maximum_retry_attempts": 2, "bisect_batch_on_function_error": False,
                "on_failure_queue": "trig-probe-kinesis-failures"}

    def run_semantics(self, target: Target, values: dict, new_nonce: NewNonce, timeout: float) -> list[Row]:
        """Batching and order, retry until success, then the retry limit (last: it may block the shard)."""
        def send(texts: list[str]) -> None:
            self.send(target, texts)

        retries = int(values["maximum_retry_attempts"])
        outputs = target.outputs["kinesis"]
        rows = batch_rows(target, self.name, self.invocation, send, int(values["batch_size"]), RECORDS, "records",
                          new_nonce(), timeout, in_order=True)
        rows.append(retry_row(target, self.name, self.invocation, send, FAILURES, new_nonce(), timeout,
                              f"a batch failing {FAILURES} times is retried until it succeeds ({FAILURES + 1} "
                              "invocations); records behind it wait and follow in order", behind=("next1", "next2")))
        rows.append(retry_limit_row(target, self.name, send, retries,
                                    mapping_accepted(target, outputs["event_source_mapping_uuid"], retries),
                                    outputs["on_failure_queue_url"], "KinesisBatchInfo", new_nonce(), timeout))
        return rows

    def send_event(self, target: Target, event: UserEvent, timeout: float) -> Sent:
        """PutRecord of the user's data (partition key --key, default 123); the mapping invokes the function."""
        if event.query:
            raise UsageError("the kinesis trigger takes --data or --file and --key (the partition key), not --query.")
        data = event.data if event.data is not None else self.payload(uuid.uuid4().hex[:12]).encode()
        stream = self.source(target)
        response = target.client("kinesis").put_record(StreamName=stream, PartitionKey=event.key or PARTITION_KEY,
                                                       Data=data)
        text = data.decode("utf-8", errors="replace")
        # The function logs "<eventName> Data = <data>"; a multi-line record cannot be matched on one line.
        marker = f"Data = {text}" if text and "\n" not in text.rstrip("\n") else None
        return Sent({"stream": stream, "shard id": response["ShardId"], "sequence number": response["SequenceNumber"]},
                    marker=marker.rstrip("\n") if marker else None)
