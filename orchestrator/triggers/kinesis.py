"""Stream-based: Lambda polls the stream in batches and the function logs each record's data."""

from __future__ import annotations

import uuid

from orchestrator.batches import chunks, send_all
from orchestrator.errors import UsageError
from orchestrator.triggers.base import AppliedTrigger, Sent, TypeRow, UserEvent
from orchestrator.triggers.streamed import StreamTrigger

_PUT_RECORDS_LIMIT = 500
PARTITION_KEY = "123"


class KinesisTrigger(StreamTrigger):
    name = "kinesis"
    source_setting = "stream"
    listed = 3
    provider_wait_seconds = 20.0  # the provider waits about 20 s after CreateStream
    probe_source = {"stream": "trig-probe-stream"}
    record_unit = "records"
    ordered = True
    batch_info = "KinesisBatchInfo"
    action = "PutRecords"
    fire_options = {"data": "the record's data", "key": "the partition key"}
    row = TypeRow(
        trigger="Kinesis stream `lambda-test` with an event source mapping",
        aws_does="Lambda polls the stream in batches of `BatchSize`; a failing batch is retried until it succeeds or expires",
        check_fires="`PutRecords` of `test-<nonce>`",
        confirms="`Data = test-<nonce>` in `/aws/lambda/kinesis-trigger-test`",
    )
    defaults = {
        "function_name": "kinesis-trigger-test",
        "stream": "lambda-test",
        "shard_count": 1,
        "batch_size": 100,
        "starting_position": "TRIM_HORIZON",
        "timeout": 10,
        "memory_size": 128,
    }

    def send(self, target: AppliedTrigger, texts: list[str], concurrency: int = 1) -> None:
        """PutRecords, one record per text (its data), all with one partition key: one shard, in order."""
        stream = self.source(target)
        kinesis = target.client("kinesis")

        def put(records: list[dict]) -> list[dict]:
            answer = kinesis.put_records(StreamName=stream, Records=records)
            return [r for r, result in zip(records, answer["Records"]) if "ErrorCode" in result]

        for chunk in chunks([{"Data": text.encode(), "PartitionKey": PARTITION_KEY} for text in texts],
                            _PUT_RECORDS_LIMIT):
            send_all(put, chunk, f"PutRecords to {stream}")

    def source(self, target: AppliedTrigger) -> str:
        return str(target.outputs.of("kinesis", "stream_name"))

    def marker(self, target: AppliedTrigger, nonce: str) -> str:
        return f"Data = {self.payload(nonce)}"

    def send_event(self, target: AppliedTrigger, event: UserEvent, timeout: float) -> Sent:
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
