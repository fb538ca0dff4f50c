"""SNS, asynchronous: apply, check, verify with our own boto3, prove the semantics, destroy leaves nothing."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from tests.conftest import _ACCOUNTS, Trig
from tests.e2e.test_core import wait_for_log
from tests.e2e.test_semantics import probe_lines, rows_of

FUNCTION = "sns-trigger-test"


@pytest.fixture(scope="module")
def sns_stack(emulator_endpoint, tmp_path_factory):
    """The sns trigger applied once in a fresh account; the last test destroys it."""
    account = str(next(_ACCOUNTS))
    trig = Trig(tmp_path_factory.mktemp(f"sns-{account}"), emulator_endpoint, account)
    try:
        assert trig.run("apply", "sns").stdout.startswith("sns: ")
        yield trig
    finally:
        trig.run("destroy", "sns", expect=None)


def topic_arn(trig: Trig) -> str:
    return f"arn:aws:sns:us-east-1:{trig.account}:lambda-test-topic"


def test_check_confirms_a_published_message(sns_stack):
    result = sns_stack.run("check", "sns", "--timeout", "60")
    rows = [line.split() for line in result.stdout.splitlines()[1:] if line and not line.startswith(" ")]
    assert [r[:3] for r in rows] == [["sns", "asynchronous", "ok"]], result.stdout


def test_topic_subscription_and_permission_exist(sns_stack):
    trig = sns_stack
    sns = trig.client("sns")
    assert topic_arn(trig) in [t["TopicArn"] for t in sns.list_topics()["Topics"]]
    [subscription] = sns.list_subscriptions_by_topic(TopicArn=topic_arn(trig))["Subscriptions"]
    function_arn = trig.client("lambda").get_function(FunctionName=FUNCTION)["Configuration"]["FunctionArn"]
    assert (subscription["Protocol"], subscription["Endpoint"]) == ("lambda", function_arn)
    policy = json.loads(trig.client("lambda").get_policy(FunctionName=FUNCTION)["Policy"])
    [statement] = [s for s in policy["Statement"] if s["Sid"] == "sns-publish"]
    assert statement["Principal"] == {"Service": "sns.amazonaws.com"}
    assert topic_arn(trig) in json.dumps(statement["Condition"])


def test_our_own_publish_reaches_the_function(sns_stack):
    trig = sns_stack
    text = f"own-{uuid.uuid4().hex[:8]}"
    start = int(time.time() * 1000) - 1000
    trig.client("sns").publish(TopicArn=topic_arn(trig), Message=text)
    lines = wait_for_log(trig, f"/aws/lambda/{FUNCTION}", f"Message = {text}", start)
    assert "SNS trigger Lambda" in lines


def test_destroy_leaves_nothing(sns_stack):
    trig = sns_stack
    assert "destroyed: sns" in trig.run("destroy", "sns").stdout
    assert trig.client("sns").list_topics()["Topics"] == []
    assert trig.client("sns").list_subscriptions()["Subscriptions"] == []
    assert trig.client("lambda").list_functions()["Functions"] == []
    assert "applied:  none" in trig.run("status").stdout


def test_semantics_rows_as_ministack_acts(make_trig):
    """MiniStack delivers to the function once, in the background: queued, but no retry and no destination."""
    trig = make_trig()
    try:
        result = trig.run("check", "sns", "--semantics", "--json", "--keep", "--timeout", "12")
        rows = rows_of(result)
        assert {prop: row["verdict"] for (_, prop), row in rows.items()} == {
            "event is queued": "pass",
            "failure retried, then sent on": "not modelled",
            "retry recovers": "not modelled",
        }, result.stdout
        queued = rows[("sns", "event is queued")]["counts"]
        assert queued["put_ms"] < 2000 <= queued["finished_after_ms"]
        for prop in ("failure retried, then sent on", "retry recovers"):
            row = rows[("sns", prop)]
            assert row["counts"] == {"invocations": 1, "in_destination": False}, row
            assert len(probe_lines(trig, "sns", row["nonce"])) == 1
        # The settings were taken: the function's invoke config reads back one retry and the queue.
        config = trig.client("lambda").get_function_event_invoke_config(FunctionName="trig-probe-sns")
        assert config["MaximumRetryAttempts"] == 1
        assert config["DestinationConfig"]["OnFailure"]["Destination"].endswith(":trig-probe-sns-failures")
    finally:
        destroyed = trig.run("destroy", "sns", "--probes", expect=None)
    assert "probe-sns" in destroyed.stdout, destroyed.stdout
    assert trig.client("sns").list_topics()["Topics"] == []
    assert trig.client("sqs").list_queues().get("QueueUrls", []) == []
