"""Stream-based: Lambda polls the stream in batches and the function logs each record's data."""

from __future__ import annotations

from orchestrator.triggers.base import Confirmation, Target, Trigger, last_lines, now_ms, wait_for_lines


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
