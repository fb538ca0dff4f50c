"""Stream-based: Lambda polls the stream in batches and the function logs each record's data."""

from __future__ import annotations

import uuid

from orchestrator.errors import UsageError
from orchestrator.triggers.base import (
    Confirmation, MappedTrigger, Sent, Target, UserEvent, confirm_marker, now_ms,
)


_PUT_RECORDS_LIMIT = 500


class KinesisTrigger(MappedTrigger):
    name = "kinesis"
    provider_wait_seconds = 20.0  # the provider waits about 20 s after CreateStream
    invocation = "stream"
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

    def marker(self, target: Target, nonce: str) -> str:
        return f"Data = test-{nonce}"

    def fire_load(self, target: Target, nonces: list[str], concurrency: int, timeout: float) -> None:
        stream = target.outputs.of("kinesis", "stream_name")
        kinesis = target.client("kinesis")
        for start in range(0, len(nonces), _PUT_RECORDS_LIMIT):
            chunk = nonces[start:start + _PUT_RECORDS_LIMIT]
            pending = [{"Data": f"test-{n}".encode(), "PartitionKey": "123"} for n in chunk]
            # PutRecords may reject some records (throttling); resend exactly those.
            for _ in range(5):
                response = kinesis.put_records(StreamName=stream, Records=pending)
                pending = [r for r, result in zip(pending, response["Records"]) if "ErrorCode" in result]
                if not pending:
                    break
        return None

    def fire_and_confirm(self, target: Target, nonce: str, timeout: float) -> Confirmation:
        stream = target.outputs.of("kinesis", "stream_name")
        data = f"test-{nonce}"
        start = now_ms()
        target.client("kinesis").put_record(StreamName=stream, PartitionKey="123", Data=data.encode())
        return confirm_marker(target, start, timeout, f"Data = {data}", f"PutRecord to {stream}")

    def send_event(self, target: Target, event: UserEvent, timeout: float) -> Sent:
        """PutRecord of the user's data (partition key --key, default 123); the mapping invokes the function."""
        if event.query:
            raise UsageError("the kinesis trigger takes --data or --file and --key (the partition key), not --query.")
        data = event.data if event.data is not None else f"test-{uuid.uuid4().hex[:12]}".encode()
        stream = target.outputs.of("kinesis", "stream_name")
        response = target.client("kinesis").put_record(StreamName=stream, PartitionKey=event.key or "123", Data=data)
        text = data.decode("utf-8", errors="replace")
        # The function logs "<eventName> Data = <data>"; a multi-line record cannot be matched on one line.
        marker = f"Data = {text}" if text and "\n" not in text.rstrip("\n") else None
        return Sent({"stream": stream, "shard id": response["ShardId"], "sequence number": response["SequenceNumber"]},
                    marker=marker.rstrip("\n") if marker else None)
