"""Poll-based: Lambda receives the queue's messages in batches; the function logs each body."""

from __future__ import annotations

import json

from orchestrator.settings import Settings
from orchestrator.triggers.base import Confirmation, MappedTrigger, Target, confirm_marker, now_ms

_SEND_BATCH_LIMIT = 10
# Experiments: messages sent for the batch-size row, and how long to watch for an invocation that must not come.
MESSAGES = 12
SETTLE_SECONDS = 2.5


def body(nonce: str) -> str:
    return f"test-{nonce}"


def _send(target: Target, bodies: list[str]) -> None:
    """Send the bodies in batches of ten; a message the queue refuses is sent again once."""
    sqs = target.client("sqs")
    queue_url = target.outputs.of("sqs", "queue_url")
    for start in range(0, len(bodies), _SEND_BATCH_LIMIT):
        entries = [{"Id": str(i), "MessageBody": text} for i, text in enumerate(bodies[start:start + _SEND_BATCH_LIMIT])]
        failed = {f["Id"] for f in sqs.send_message_batch(QueueUrl=queue_url, Entries=entries).get("Failed", [])}
        if failed:
            sqs.send_message_batch(QueueUrl=queue_url, Entries=[e for e in entries if e["Id"] in failed])


class SqsTrigger(MappedTrigger):
    name = "sqs"
    provider_wait_seconds = 25.0  # the provider waits about 25 s after each CreateQueue
    invocation = "poll"
    description = "SQS queue with a dead-letter queue, read by an event source mapping"
    defaults = {
        "function_name": "sqs-trigger-test",
        "queue": "lambda-test-queue",
        "batch_size": 10,
        "maximum_batching_window_in_seconds": None,
        "max_receive_count": 3,
        "visibility_timeout": 30,
        "timeout": 10,
        "memory_size": 128,
    }

    def marker(self, target: Target, nonce: str) -> str:
        return f"Body = {body(nonce)}"

    def fire_load(self, target: Target, nonces: list[str], concurrency: int, timeout: float) -> None:
        _send(target, [body(n) for n in nonces])
        return None

    def fire_and_confirm(self, target: Target, nonce: str, timeout: float) -> Confirmation:
        queue_url = target.outputs.of("sqs", "queue_url")
        start = now_ms()
        target.client("sqs").send_message(QueueUrl=queue_url, MessageBody=body(nonce))
        return confirm_marker(target, start, timeout, self.marker(target, nonce), f"SendMessage to {queue_url}")

    def probe_defaults(self, settings: Settings) -> dict[str, object]:
        # A short visibility timeout (and a function timeout within it) so a failed batch comes back in seconds.
        return {"queue": "trig-probe-queue", "batch_size": 5, "maximum_batching_window_in_seconds": None,
                "max_receive_count": 2, "visibility_timeout": 5, "timeout": 5}

    def run_semantics(self, target: Target, values: dict, new_nonce, timeout: float):
        """Batch size, a failing batch received again until it succeeds, then redrive to the dead-letter queue."""
        return [_batch_row(target, int(values["batch_size"]), new_nonce(), timeout),
                _retry_row(target, new_nonce(), timeout),
                _redrive_row(target, int(values["max_receive_count"]), new_nonce(), timeout)]


# The experiments import the semantics package when they run: it imports the trigger registry.

def _batch_row(target: Target, batch_size: int, nonce: str, timeout: float):
    from orchestrator.semantics.stream import observed_batches
    from orchestrator.semantics.verdicts import Row, judge_batch_sizes

    ids = [f"m{index:02d}" for index in range(MESSAGES)]
    judged = judge_batch_sizes(observed_batches(target, lambda texts: _send(target, texts), ids, nonce, timeout),
                               batch_size)
    return Row("sqs", "poll", "batch size honoured",
               f"{MESSAGES} messages with batch_size = {batch_size} arrive in invocations of at most {batch_size} messages",
               judged.observed, judged.verdict, nonce, judged.counts)


def _retry_row(target: Target, nonce: str, timeout: float):
    from orchestrator.semantics.stream import invocations_until_success
    from orchestrator.semantics.verdicts import Row, judge_retry_until_success

    lines = invocations_until_success(target, lambda texts: _send(target, texts), "m", 1, nonce, timeout)
    judged = judge_retry_until_success(lines, "m", 1, [])
    return Row("sqs", "poll", "failing batch retried",
               "a message whose batch fails once is received again after the visibility timeout and succeeds "
               "(2 invocations)", judged.observed, judged.verdict, nonce, judged.counts)


def _redrive_row(target: Target, max_receive_count: int, nonce: str, timeout: float):
    from orchestrator.logwatch import wait_for_log_events
    from orchestrator.semantics.asynchronous import Destination
    from orchestrator.semantics.probe import read_probe_lines
    from orchestrator.semantics.verdicts import Row, judge_redrive, lines_for

    attributes = target.client("sqs").get_queue_attributes(QueueUrl=target.outputs.of("sqs", "queue_url"),
                                                           AttributeNames=["RedrivePolicy"])["Attributes"]
    try:
        policy = json.loads(attributes.get("RedrivePolicy") or "{}")
        accepted = int(policy.get("maxReceiveCount", 0)) == max_receive_count and bool(policy.get("deadLetterTargetArn"))
    except (ValueError, TypeError):
        accepted = False
    dead_letters = Destination(target, target.outputs.of("sqs", "dead_letter_queue_url"))
    start = now_ms()
    _send(target, [f"raise.{nonce}.dead"])

    def count(lines) -> int:
        return len(lines_for(lines, nonce))

    wait_for_log_events(lambda: read_probe_lines(target, start),
                        lambda lines: count(lines) > max_receive_count
                        or (count(lines) == max_receive_count and dead_letters.holds(nonce)), timeout)
    wait_for_log_events(lambda: read_probe_lines(target, start), lambda lines: count(lines) > max_receive_count,
                        SETTLE_SECONDS)
    judged = judge_redrive(count(read_probe_lines(target, start)), max_receive_count, dead_letters.holds(nonce),
                           accepted)
    return Row("sqs", "poll", "redrive to the dead-letter queue",
               f"a message whose batch always fails is received maxReceiveCount = {max_receive_count} times, "
               "then moved to the dead-letter queue", judged.observed, judged.verdict, nonce, judged.counts)
