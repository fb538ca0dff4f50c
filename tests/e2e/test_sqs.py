"""SQS, poll-based, on the shared stack (applied with a one-second batching window): check, verify with our own boto3.
Its semantics are proven in test_semantics, its destroy in test_core's lifecycle."""

from __future__ import annotations

import json
import time
import uuid

from tests.e2e.test_core import wait_for_log

FUNCTION = "sqs-trigger-test"
QUEUE = "lambda-test-queue"


def test_check_confirms_the_message_body(shared_stack):
    result = shared_stack.run("check", "sqs", "--timeout", "60")
    rows = [line.split() for line in result.stdout.splitlines()[1:] if line and not line.startswith(" ")]
    assert [r[:3] for r in rows] == [["sqs", "poll", "ok"]], result.stdout


def test_queue_dead_letter_queue_and_mapping_exist(shared_stack):
    trig = shared_stack
    sqs = trig.client("sqs")
    url = sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    dlq_url = sqs.get_queue_url(QueueName=f"{QUEUE}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    assert json.loads(attributes["RedrivePolicy"]) == {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3}
    assert attributes["VisibilityTimeout"] == "30"
    [mapping] = trig.client("lambda").list_event_source_mappings(FunctionName=FUNCTION)["EventSourceMappings"]
    assert mapping["EventSourceArn"] == attributes["QueueArn"]
    assert (mapping["BatchSize"], mapping["MaximumBatchingWindowInSeconds"]) == (10, 1)


def test_our_own_message_is_logged_and_deleted(shared_stack):
    trig = shared_stack
    text = f"own-{uuid.uuid4().hex[:8]}"
    start = int(time.time() * 1000) - 1000
    sqs = trig.client("sqs")
    url = sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=text)
    wait_for_log(trig, f"/aws/lambda/{FUNCTION}", f"Body = {text}", start)
    # Processed messages are deleted: nothing waits in the queue, visible or in flight.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        if set(counts.values()) == {"0"}:
            break
        time.sleep(0.5)
    assert set(counts.values()) == {"0"}, counts
