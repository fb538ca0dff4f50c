"""Asynchronous experiments: S3 queues the event; Lambda retries a failure, then uses the on-failure destination."""

from __future__ import annotations

import time

from botocore.exceptions import ClientError

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


def invoke_config_accepted(target: Target, retries: int) -> bool:
    """True when the function's asynchronous invocation settings read back as applied: the retry limit and a destination."""
    try:
        config = target.client("lambda").get_function_event_invoke_config(FunctionName=target.function_name)
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ResourceNotFoundException":
            return False
        raise
    destination = ((config.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
    return config.get("MaximumRetryAttempts") == retries and bool(destination)


def run_queued_experiments(target: Target, trigger: str, action: str, fire, queue_url: str, retries: int,
                           new_nonce, timeout: float, accepted: bool | None = None) -> list[Row]:
    """Slow, always-raising and fail-once events fired together through fire(instruction), then judged
    from the probe's logs and the on-failure queue. action names the call fire makes (PutObject, Publish...).

    accepted (whether the engine reads the retry settings back) lets a row say `not modelled` when the
    engine took the settings but made no retry; None keeps the plain pass/fail rules.
    """
    destination = Destination(target, queue_url)
    slow, always, once = new_nonce(), new_nonce(), new_nonce()
    start = now_ms()

    sent_ms = int(time.time() * 1000)
    fire(f"sleep-{SLEEP_MS}.{slow}.a")
    returned_ms = int(time.time() * 1000)
    fire(f"raise.{always}.a")
    fire(f"fail-1.{once}.a")

    def settled(lines) -> bool:
        return (len(lines_for(lines, slow)) >= 1 and len(lines_for(lines, always)) >= 1 + retries
                and any(line.ok for line in lines_for(lines, once)))

    # An engine that makes no retry never settles: then the whole timeout was the window for retries.
    all_settled = wait_for_log_events(lambda: read_probe_lines(target, start), settled, timeout)[0]
    wait_for_log_events(lambda: destination.holds(always), bool, timeout / 2 if all_settled else SETTLE_SECONDS)
    # Anything still to come (one retry too many, a late destination message) shows within this.
    wait_for_log_events(lambda: read_probe_lines(target, start),
                        lambda lines: len(lines_for(lines, always)) > 1 + retries or len(lines_for(lines, once)) > 2,
                        SETTLE_SECONDS)
    lines = read_probe_lines(target, start)
    destination.drain()

    rows = []
    slow_lines = lines_for(lines, slow)
    judged = judge_async_returns_first(sent_ms, returned_ms, slow_lines[0].finished_ms if slow_lines else None,
                                       action)
    rows.append(Row(trigger, "asynchronous", "event is queued",
                    f"{action} returns before a function sleeping {SLEEP_MS} ms finishes",
                    judged.observed, judged.verdict, slow, judged.counts))

    judged = judge_async_always_raise(len(lines_for(lines, always)), retries, destination.holds(always), accepted)
    rows.append(Row(trigger, "asynchronous", "failure retried, then sent on",
                    f"an always-raising function is invoked 1 + maximum_retry_attempts = {1 + retries} times, "
                    "then the event reaches the on-failure destination",
                    judged.observed, judged.verdict, always, judged.counts))

    once_lines = lines_for(lines, once)
    judged = judge_async_fail_once(len(once_lines), bool(once_lines) and once_lines[-1].ok, destination.holds(once),
                                   accepted)
    rows.append(Row(trigger, "asynchronous", "retry recovers",
                    "a function failing once is invoked twice and nothing reaches the destination",
                    judged.observed, judged.verdict, once, judged.counts))
    return rows


def run_async_experiments(target: Target, values: dict, new_nonce, timeout: float) -> list[Row]:
    """S3: the probe's instruction is the last segment of the object key."""
    s3 = target.client("s3")
    bucket = target.outputs.of("s3", "bucket_name")

    def fire(instruction: str) -> None:
        s3.put_object(Bucket=bucket, Key=f"probe/{instruction}.txt", Body=instruction.encode())

    return run_queued_experiments(target, "s3", "PutObject", fire, target.outputs.of("s3", "on_failure_queue_url"),
                                  int(values["maximum_retry_attempts"]), new_nonce, timeout)
