"""SNS, asynchronous, on the shared stack: check, verify with our own boto3.
Its semantics are proven in test_semantics, its destroy in test_core's lifecycle."""

from __future__ import annotations

import json
import time
import uuid

from tests.conftest import Trig
from tests.e2e.test_core import wait_for_log

FUNCTION = "sns-trigger-test"


def topic_arn(trig: Trig) -> str:
    return f"arn:aws:sns:us-east-1:{trig.account}:lambda-test-topic"


def test_check_confirms_a_published_message(shared_stack):
    result = shared_stack.run("check", "sns", "--timeout", "60")
    rows = [line.split() for line in result.stdout.splitlines()[1:] if line and not line.startswith(" ")]
    assert [r[:3] for r in rows] == [["sns", "asynchronous", "ok"]], result.stdout


def test_topic_subscription_and_permission_exist(shared_stack):
    trig = shared_stack
    sns = trig.client("sns")
    assert topic_arn(trig) in [t["TopicArn"] for t in sns.list_topics()["Topics"]]
    [subscription] = sns.list_subscriptions_by_topic(TopicArn=topic_arn(trig))["Subscriptions"]
    function_arn = trig.client("lambda").get_function(FunctionName=FUNCTION)["Configuration"]["FunctionArn"]
    assert (subscription["Protocol"], subscription["Endpoint"]) == ("lambda", function_arn)
    policy = json.loads(trig.client("lambda").get_policy(FunctionName=FUNCTION)["Policy"])
    [statement] = [s for s in policy["Statement"] if s["Sid"] == "sns-publish"]
    assert statement["Principal"] == {"Service": "sns.amazonaws.com"}
    assert topic_arn(trig) in json.dumps(statement["Condition"])


def test_our_own_publish_reaches_the_function(shared_stack):
    trig = shared_stack
    text = f"own-{uuid.uuid4().hex[:8]}"
    start = int(time.time() * 1000) - 1000
    trig.client("sns").publish(TopicArn=topic_arn(trig), Message=text)
    lines = wait_for_log(trig, f"/aws/lambda/{FUNCTION}", f"Message = {text}", start)
    assert "SNS trigger Lambda" in lines
