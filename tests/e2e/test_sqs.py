"""SQS, poll-based: apply, check, verify with our own boto3, semantics, destroy leaves nothing."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from tests.conftest import _ACCOUNTS, Trig
from tests.e2e.test_core import wait_for_log
from tests.e2e.test_semantics import probe_lines, rows_of

FUNCTION = "sqs-trigger-test"
QUEUE = "lambda-test-queue"


@pytest.fixture(scope="module")
def sqs_stack(emulator_endpoint, tmp_path_factory):
    """The sqs trigger applied once in a fresh account, with a batching window; the last test destroys it."""
    account = str(next(_ACCOUNTS))
    trig = Trig(tmp_path_factory.mktemp(f"sqs-{account}"), emulator_endpoint, account)
    try:
        trig.run("apply", "sqs", "--set", "maximum_batching_window_in_seconds=1")
        yield trig
    finally:
        trig.run("destroy", "sqs", expect=None)


def test_check_confirms_the_message_body(sqs_stack):
    result = sqs_stack.run("check", "sqs", "--timeout", "60")
    rows = [line.split() for line in result.stdout.splitlines()[1:] if line and not line.startswith(" ")]
    assert [r[:3] for r in rows] == [["sqs", "poll", "ok"]], result.stdout


def test_queue_dead_letter_queue_and_mapping_exist(sqs_stack):
    trig = sqs_stack
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


def test_our_own_message_is_logged_and_deleted(sqs_stack):
    trig = sqs_stack
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


def test_destroy_leaves_nothing(sqs_stack):
    trig = sqs_stack
    assert "destroyed: sqs" in trig.run("destroy", "sqs").stdout
    assert trig.client("sqs").list_queues().get("QueueUrls", []) == []
    assert trig.client("lambda").list_event_source_mappings()["EventSourceMappings"] == []
    assert trig.client("lambda").list_functions()["Functions"] == []


def test_semantics_rows_as_ministack_acts(make_trig):
    """MiniStack batches, returns a failed batch after the visibility timeout and honours the redrive policy."""
    trig = make_trig()
    try:
        result = trig.run("check", "sqs", "--semantics", "--json", "--keep")
        rows = rows_of(result)
        assert {prop: row["verdict"] for (_, prop), row in rows.items()} == {
            "batch size honoured": "pass",
            "failing batch retried": "pass",
            "redrive to the dead-letter queue": "pass",
        }, result.stdout
        batch = rows[("sqs", "batch size honoured")]
        lines = probe_lines(trig, "sqs", batch["nonce"])
        assert batch["counts"]["sizes"] == [len(e["ids"]) for e in lines if e["outcome"] == "ok"]
        assert max(batch["counts"]["sizes"]) <= 5 and sum(batch["counts"]["sizes"]) == 12
        retried = rows[("sqs", "failing batch retried")]
        assert retried["counts"]["invocations"] == len(probe_lines(trig, "sqs", retried["nonce"])) == 2
        dead = rows[("sqs", "redrive to the dead-letter queue")]
        assert dead["counts"] == {"invocations": 2, "in_dead_letter_queue": True}
        assert len(probe_lines(trig, "sqs", dead["nonce"])) == 2
    finally:
        destroyed = trig.run("destroy", "sqs", "--probes", expect=None)
    assert "probe-sqs" in destroyed.stdout, destroyed.stdout
    assert trig.client("sqs").list_queues().get("QueueUrls", []) == []
