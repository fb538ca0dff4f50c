"""Poll-based: Lambda receives the queue's messages in batches; the function logs each body."""

from __future__ import annotations

import json

from orchestrator.batches import chunks, send_all
from orchestrator.experiments.batched import batch_rows, keeps_failing, retry_row
from orchestrator.experiments.destination import Destination
from orchestrator.experiments.verdicts import Row, judge_redrive, unlogged
from orchestrator.settings import Settings
from orchestrator.triggers.base import AppliedTrigger, MappedTrigger, NewNonce, TypeRow

_SEND_BATCH_LIMIT = 10
# Experiments: messages sent for the batch-size row.
MESSAGES = 12


def redrive_accepted(target: AppliedTrigger, max_receive_count: int) -> bool:
    """True when the queue reads back with the redrive policy applied: maxReceiveCount and a dead-letter queue."""
    attributes = target.client("sqs").get_queue_attributes(QueueUrl=target.outputs.of("sqs", "queue_url"),
                                                           AttributeNames=["RedrivePolicy"])["Attributes"]
    try:
        policy = json.loads(attributes.get("RedrivePolicy") or "{}")
        return int(policy.get("maxReceiveCount", 0)) == max_receive_count and bool(policy.get("deadLetterTargetArn"))
    except (ValueError, TypeError):
        return False


class SqsTrigger(MappedTrigger):
    name = "sqs"
    fire_options = {"data": "the message body"}
    source_setting = "queue"
    listed = 7
    provider_wait_seconds = 25.0  # the provider waits about 25 s after each CreateQueue
    invocation = "poll"
    action = "SendMessageBatch"
    row = TypeRow(
        trigger="SQS queue `lambda-test-queue` (dead-letter queue `lambda-test-queue-dlq`, `maxReceiveCount` 3) with an event source mapping",
        aws_does="Lambda polls the queue in batches; a failed batch returns after the visibility timeout, and a message received `maxReceiveCount` times moves to the dead-letter queue",
        check_fires="`SendMessageBatch` of `test-<nonce>`",
        confirms="`Body = test-<nonce>` in `/aws/lambda/sqs-trigger-test`",
    )
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

    def send(self, target: AppliedTrigger, texts: list[str], concurrency: int = 1) -> None:
        """SendMessageBatch, one message per text (its body), ten to a call."""
        queue_url = self.source(target)
        sqs = target.client("sqs")

        def send_batch(entries: list[dict]) -> list[dict]:
            failed = {f["Id"] for f in sqs.send_message_batch(QueueUrl=queue_url, Entries=entries).get("Failed", [])}
            return [e for e in entries if e["Id"] in failed]

        for chunk in chunks(texts, _SEND_BATCH_LIMIT):
            send_all(send_batch, [{"Id": str(i), "MessageBody": text} for i, text in enumerate(chunk)],
                     f"SendMessageBatch to {queue_url}")

    def source(self, target: AppliedTrigger) -> str:
        return str(target.outputs.of("sqs", "queue_url"))

    def marker(self, target: AppliedTrigger, nonce: str) -> str:
        return f"Body = {self.payload(nonce)}"

    def probe_defaults(self, settings: Settings) -> dict[str, object]:
        # A short visibility timeout (and a function timeout within it) so a failed batch comes back in seconds.
        return {"queue": "trig-probe-queue", "batch_size": 5, "maximum_batching_window_in_seconds": None,
                "max_receive_count": 2, "visibility_timeout": 5, "timeout": 5}

    def run_semantics(self, target: AppliedTrigger, values: dict, new_nonce: NewNonce, timeout: float) -> list[Row]:
        """Batch size, a failing batch received again until it succeeds, then redrive to the dead-letter queue."""
        def send(texts: list[str]) -> None:
            self.send(target, texts)

        rows = batch_rows(target, self.name, self.invocation, send, int(values["batch_size"]), MESSAGES, "messages",
                          new_nonce(), timeout)
        rows.append(retry_row(target, self.name, self.invocation, send, 1, new_nonce(), timeout,
                              "a message whose batch fails once is received again after the visibility timeout and "
                              "succeeds (2 invocations)"))
        rows.append(self._redrive_row(target, send, int(values["max_receive_count"]), new_nonce(), timeout))
        return rows

    def _redrive_row(self, target: AppliedTrigger, send, max_receive_count: int, nonce: str, timeout: float) -> Row:
        accepted = redrive_accepted(target, max_receive_count)
        dead_letters = Destination(target, target.outputs.of("sqs", "dead_letter_queue_url"))
        lines, probe = keeps_failing(target, send, nonce, max_receive_count, lambda: dead_letters.holds(nonce), timeout)
        judged = judge_redrive(len(lines), max_receive_count, dead_letters.holds(nonce), accepted)
        return Row(self.name, self.invocation, "redrive to the dead-letter queue",
                   f"a message whose batch always fails is received maxReceiveCount = {max_receive_count} times, "
                   "then moved to the dead-letter queue", judged.observed, judged.verdict, nonce, judged.counts,
                   probe.waited, unlogged(lines))
