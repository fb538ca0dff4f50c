"""EventBridge schedule, asynchronous, on the shared stack: check (custom event and scheduled firing), verify.
Its semantics are proven in test_semantics, its destroy in test_core's lifecycle."""

from __future__ import annotations

import json
import time
import uuid

from tests.e2e.test_core import wait_for_log

FUNCTION = "schedule-trigger-test"
RULE = "lambda-test-schedule"


def test_check_confirms_the_custom_event_and_with_a_long_timeout_the_scheduled_firing(shared_stack):
    result = shared_stack.run("check", "schedule", "--timeout", "90")
    rows = [line.split() for line in result.stdout.splitlines()[1:] if line and not line.startswith(" ")]
    assert [r[:3] for r in rows] == [["schedule", "asynchronous", "ok"]], result.stdout
    assert "scheduled firing (rate(1 minute)) logged too" in result.stdout, result.stdout
    lines = wait_for_log(shared_stack, f"/aws/lambda/{FUNCTION}", "Scheduled Event from aws.events", 0)
    assert "detail = {}" in lines


def test_a_short_check_says_the_schedule_was_not_awaited(shared_stack):
    result = shared_stack.run("check", "schedule", "--timeout", "20")
    assert "rate(1 minute) not awaited (needs --timeout 75)" in result.stdout, result.stdout


def test_rule_target_and_permission_exist(shared_stack):
    trig = shared_stack
    events = trig.client("events")
    rule = events.describe_rule(Name=RULE)
    assert rule["ScheduleExpression"] == "rate(1 minute)"
    assert json.loads(rule["EventPattern"]) == {"source": ["trig.check"]}
    function_arn = trig.client("lambda").get_function(FunctionName=FUNCTION)["Configuration"]["FunctionArn"]
    assert [t["Arn"] for t in events.list_targets_by_rule(Rule=RULE)["Targets"]] == [function_arn]
    policy = json.loads(trig.client("lambda").get_policy(FunctionName=FUNCTION)["Policy"])
    [statement] = [s for s in policy["Statement"] if s["Sid"] == "events-rule"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert rule["Arn"] in json.dumps(statement["Condition"])


def test_our_own_event_reaches_the_function_and_others_do_not(shared_stack):
    trig = shared_stack
    mine, other = uuid.uuid4().hex[:8], uuid.uuid4().hex[:8]
    start = int(time.time() * 1000) - 1000
    trig.client("events").put_events(Entries=[
        {"Source": "someone.else", "DetailType": "x", "Detail": json.dumps({"nonce": other})},
        {"Source": "trig.check", "DetailType": "mine", "Detail": json.dumps({"nonce": mine})}])
    lines = wait_for_log(trig, f"/aws/lambda/{FUNCTION}", f'detail = {{"nonce": "{mine}"}}', start)
    assert not any(other in line for line in lines)
