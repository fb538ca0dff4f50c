"""Stream-based: Lambda polls the stream in batches and the function logs each record's data."""

from __future__ import annotations

import uuid

from botocore.exceptions import ClientError

from orchestrator.errors import UsageError
from orchestrator.triggers.base import Confirmation, Sent, Target, Trigger, UserEvent, last_lines, now_ms, wait_for_lines


_PUT_RECORDS_LIMIT = 500


class KinesisTrigger(Trigger):
    name = "kinesis"
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
        stream = target.outputs["kinesis"]["stream_name"]
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

    def trigger_resource_exists(self, target: Target) -> bool:
        try:
            target.client("kinesis").describe_stream_summary(StreamName=target.outputs["kinesis"]["stream_name"])
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ResourceNotFoundException":
                return False
            raise
        return True

    def diagnose(self, target: Target) -> list[str]:
        lines = super().diagnose(target)
        uuid = target.outputs["kinesis"].get("event_source_mapping_uuid")
        try:
            mapping = target.client("lambda").get_event_source_mapping(UUID=uuid)
            lines.insert(1, f"event source mapping {uuid}: state {mapping.get('State', '?')}, "
                            f"last processing result {mapping.get('LastProcessingResult', '?')}")
        except ClientError as exc:
            lines.insert(1, f"event source mapping {uuid}: {exc.response['Error']['Code']}")
        return lines

    def fire_and_confirm(self, target: Target, nonce: str, timeout: float) -> Confirmation:
        stream = target.outputs["kinesis"]["stream_name"]
        data = f"test-{nonce}"
        start = now_ms()
        target.client("kinesis").put_record(StreamName=stream, PartitionKey="123", Data=data.encode())
        expected = f"Data = {data}"
        found, events = wait_for_lines(target, start, timeout, lambda evs: any(e.message.endswith(expected) for e in evs))
        if found:
            return Confirmation(True, f"{expected!r} in {target.log_group}")
        return Confirmation(False, f"no {expected!r} line in {target.log_group}", last_lines(events))

    def send_event(self, target: Target, event: UserEvent) -> Sent:
        """PutRecord of the user's data (partition key --key, default 123); the mapping invokes the function."""
        if event.query:
            raise UsageError("the kinesis trigger takes --data or --file and --key (the partition key), not --query.")
        data = event.data if event.data is not None else f"test-{uuid.uuid4().hex[:12]}".encode()
        stream = target.outputs["kinesis"]["stream_name"]
        response = target.client("kinesis").put_record(StreamName=stream, PartitionKey=event.key or "123", Data=data)
        text = data.decode("utf-8", errors="replace")
        # The function logs "<eventName> Data = <data>"; a multi-line record cannot be matched on one line.
        marker = f"Data = {text}" if text and "\n" not in text.rstrip("\n") else None
        return Sent({"stream": stream, "shard id": response["ShardId"], "sequence number": response["SequenceNumber"]},
                    marker=marker.rstrip("\n") if marker else None)
