"""EventBridge schedule, asynchronous: apply, check (custom event and scheduled firing), verify, semantics, destroy."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from tests.conftest import _ACCOUNTS, Trig
from tests.e2e.test_core import wait_for_log
from tests.e2e.test_semantics import probe_lines, rows_of

FUNCTION = "schedule-trigger-test"
RULE = "lambda-test-schedule"


@pytest.fixture(scope="module")
def schedule_stack(emulator_endpoint, tmp_path_factory):
    """The schedule trigger applied once in a fresh account; the last test destroys it."""
    account = str(next(_ACCOUNTS))
    trig = Trig(tmp_path_factory.mktemp(f"schedule-{account}"), emulator_endpoint, account)
    try:
        trig.run("apply", "schedule")
        yield trig
    finally:
        trig.run("destroy", "schedule", expect=None)


def test_check_confirms_the_custom_event_and_with_a_long_timeout_the_scheduled_firing(schedule_stack):
    result = schedule_stack.run("check", "schedule", "--timeout", "90")
    rows = [line.split() for line in result.stdout.splitlines()[1:] if line and not line.startswith(" ")]
    assert [r[:3] for r in rows] == [["schedule", "asynchronous", "ok"]], result.stdout
    assert "scheduled firing (rate(1 minute)) logged too" in result.stdout, result.stdout
    lines = wait_for_log(schedule_stack, f"/aws/lambda/{FUNCTION}", "Scheduled Event from aws.events", 0)
    assert "detail = {}" in lines


def test_a_short_check_says_the_schedule_was_not_awaited(schedule_stack):
    result = schedule_stack.run("check", "schedule", "--timeout", "20")
    assert "rate(1 minute) not awaited (needs --timeout 75)" in result.stdout, result.stdout


def test_rule_target_and_permission_exist(schedule_stack):
    trig = schedule_stack
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


def test_our_own_event_reaches_the_function_and_others_do_not(schedule_stack):
    trig = schedule_stack
    mine, other = uuid.uuid4().hex[:8], uuid.uuid4().hex[:8]
    start = int(time.time() * 1000) - 1000
    trig.client("events").put_events(Entries=[
        {"Source": "someone.else", "DetailType": "x", "Detail": json.dumps({"nonce": other})},
        {"Source": "trig.check", "DetailType": "mine", "Detail": json.dumps({"nonce": mine})}])
    lines = wait_for_log(trig, f"/aws/lambda/{FUNCTION}", f'detail = {{"nonce": "{mine}"}}', start)
    assert not any(other in line for line in lines)


def test_destroy_leaves_nothing(schedule_stack):
    trig = schedule_stack
    assert "destroyed: schedule" in trig.run("destroy", "schedule").stdout
    assert trig.client("events").list_rules()["Rules"] == []
    assert trig.client("lambda").list_functions()["Functions"] == []


def test_semantics_rows_as_ministack_acts(make_trig):
    """MiniStack hands the event to the function once, in the background: queued, no retry, no destination."""
    trig = make_trig()
    try:
        result = trig.run("check", "schedule", "--semantics", "--json", "--keep", "--timeout", "12")
        rows = rows_of(result)
        assert {prop: row["verdict"] for (_, prop), row in rows.items()} == {
            "event is queued": "pass",
            "failure retried, then sent on": "not modelled",
            "retry recovers": "not modelled",
        }, result.stdout
        queued = rows[("schedule", "event is queued")]["counts"]
        assert queued["put_ms"] < 2000 <= queued["finished_after_ms"]
        for prop in ("failure retried, then sent on", "retry recovers"):
            row = rows[("schedule", prop)]
            assert row["counts"] == {"invocations": 1, "in_destination": False}, row
            assert len(probe_lines(trig, "schedule", row["nonce"])) == 1
        config = trig.client("lambda").get_function_event_invoke_config(FunctionName="trig-probe-schedule")
        assert config["MaximumRetryAttempts"] == 1
    finally:
        destroyed = trig.run("destroy", "schedule", "--probes", expect=None)
    assert "probe-schedule" in destroyed.stdout, destroyed.stdout
    assert trig.client("events").list_rules()["Rules"] == []
    assert trig.client("sqs").list_queues().get("QueueUrls", []) == []
