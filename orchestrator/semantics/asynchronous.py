"""Asynchronous experiments: S3 queues the event; Lambda retries a failure, then uses the on-failure destination."""

from __future__ import annotations

import time

from orchestrator.logwatch import wait_for_log_events
from orchestrator.semantics.probe import read_probe_lines
from orchestrator.semantics.verdicts import (
    Row, judge_async_always_raise, judge_async_fail_once, judge_async_returns_first, lines_for,
)
from orchestrator.triggers.base import Target, now_ms

SLEEP_MS = 2000
# After the event reaches the destination, watch this long for an invocation that must not come.
SETTLE_SECONDS = 2.0


class Destination:
    """The on-failure queue, drained as it is read; keeps every body seen."""

    def __init__(self, target: Target, queue_url: str):
        self.sqs = target.client("sqs")
        self.queue_url = queue_url
        self.bodies: list[str] = []

    def drain(self) -> list[str]:
        while True:
            messages = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10,
                                                WaitTimeSeconds=0).get("Messages", [])
            if not messages:
                return self.bodies
            for message in messages:
                self.bodies.append(message.get("Body", ""))
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])

    def holds(self, nonce: str) -> bool:
        return any(nonce in body for body in self.drain())


def run_async_experiments(target: Target, values: dict, new_nonce, timeout: float) -> list[Row]:
    """Slow, always-raising and fail-once events fired together, then judged from the logs and the queue."""
    s3 = target.client("s3")
    bucket = target.outputs["s3"]["bucket_name"]
    destination = Destination(target, target.outputs["s3"]["on_failure_queue_url"])
    retries = int(values["maximum_retry_attempts"])
    slow, always, once = new_nonce(), new_nonce(), new_nonce()
    start = now_ms()

    sent_ms = int(time.time() * 1000)
    s3.put_object(Bucket=bucket, Key=f"probe/sleep-{SLEEP_MS}.{slow}.a.txt", Body=b"slow")
    returned_ms = int(time.time() * 1000)
    s3.put_object(Bucket=bucket, Key=f"probe/raise.{always}.a.txt", Body=b"always raises")
    s3.put_object(Bucket=bucket, Key=f"probe/fail-1.{once}.a.txt", Body=b"fails once")

    def settled(lines) -> bool:
        return (len(lines_for(lines, slow)) >= 1 and len(lines_for(lines, always)) >= 1 + retries
                and any(line.ok for line in lines_for(lines, once)))

    wait_for_log_events(lambda: read_probe_lines(target, start), settled, timeout)
    wait_for_log_events(lambda: destination.holds(always), bool, timeout / 2)
    # Anything still to come (one retry too many, a late destination message) shows within this.
    wait_for_log_events(lambda: read_probe_lines(target, start),
                        lambda lines: len(lines_for(lines, always)) > 1 + retries or len(lines_for(lines, once)) > 2,
                        SETTLE_SECONDS)
    lines = read_probe_lines(target, start)
    destination.drain()

    rows = []
    slow_lines = lines_for(lines, slow)
    judged = judge_async_returns_first(sent_ms, returned_ms, slow_lines[0].finished_ms if slow_lines else None)
    rows.append(Row("s3", "asynchronous", "event is queued",
                    f"PutObject returns before a function sleeping {SLEEP_MS} ms finishes",
                    judged.observed, judged.verdict, slow, judged.counts))

    judged = judge_async_always_raise(len(lines_for(lines, always)), retries, destination.holds(always))
    rows.append(Row("s3", "asynchronous", "failure retried, then sent on",
                    f"an always-raising function is invoked 1 + maximum_retry_attempts = {1 + retries} times, "
                    "then the event reaches the on-failure destination",
                    judged.observed, judged.verdict, always, judged.counts))

    once_lines = lines_for(lines, once)
    judged = judge_async_fail_once(len(once_lines), bool(once_lines) and once_lines[-1].ok, destination.holds(once))
    rows.append(Row("s3", "asynchronous", "retry recovers",
                    "a function failing once is invoked twice and nothing reaches the destination",
                    judged.observed, judged.verdict, once, judged.counts))
    return rows
