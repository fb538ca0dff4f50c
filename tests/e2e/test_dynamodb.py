"""DynamoDB Streams, stream-based: apply, check, verify with our own boto3, semantics, destroy leaves nothing."""

from __future__ import annotations

import time
import uuid

import pytest

from tests.conftest import _ACCOUNTS, Trig
from tests.e2e.test_core import wait_for_log
from tests.e2e.test_semantics import probe_lines, rows_of

FUNCTION = "dynamodb-trigger-test"
TABLE = "lambda-test-table"


@pytest.fixture(scope="module")
def dynamodb_stack(emulator_endpoint, tmp_path_factory):
    """The dynamodb trigger applied once in a fresh account; the last test destroys it."""
    account = str(next(_ACCOUNTS))
    trig = Trig(tmp_path_factory.mktemp(f"dynamodb-{account}"), emulator_endpoint, account)
    try:
        trig.run("apply", "dynamodb")
        yield trig
    finally:
        trig.run("destroy", "dynamodb", expect=None)


def test_check_confirms_the_inserted_item(dynamodb_stack):
    result = dynamodb_stack.run("check", "dynamodb", "--timeout", "60")
    rows = [line.split() for line in result.stdout.splitlines()[1:] if line and not line.startswith(" ")]
    assert [r[:3] for r in rows] == [["dynamodb", "stream", "ok"]], result.stdout


def test_table_stream_and_mapping_exist(dynamodb_stack):
    trig = dynamodb_stack
    table = trig.client("dynamodb").describe_table(TableName=TABLE)["Table"]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    [mapping] = trig.client("lambda").list_event_source_mappings(FunctionName=FUNCTION)["EventSourceMappings"]
    assert mapping["EventSourceArn"] == table["LatestStreamArn"]
    assert (mapping["BatchSize"], mapping["StartingPosition"]) == (100, "TRIM_HORIZON")


def test_our_own_update_is_logged_with_its_event_name(dynamodb_stack):
    trig = dynamodb_stack
    nonce = uuid.uuid4().hex[:8]
    start = int(time.time() * 1000) - 1000
    dynamodb = trig.client("dynamodb")
    dynamodb.put_item(TableName=TABLE, Item={"id": {"S": f"own-{nonce}"}, "nonce": {"S": "first"}})
    dynamodb.put_item(TableName=TABLE, Item={"id": {"S": f"own-{nonce}"}, "nonce": {"S": nonce}})
    lines = wait_for_log(trig, f"/aws/lambda/{FUNCTION}", f"MODIFY nonce = {nonce}", start)
    assert "INSERT nonce = first" in lines


def test_destroy_leaves_nothing(dynamodb_stack):
    trig = dynamodb_stack
    assert "destroyed: dynamodb" in trig.run("destroy", "dynamodb").stdout
    assert trig.client("dynamodb").list_tables()["TableNames"] == []
    assert trig.client("lambda").list_event_source_mappings()["EventSourceMappings"] == []
    assert trig.client("lambda").list_functions()["Functions"] == []


def test_semantics_rows_as_ministack_acts(make_trig):
    """MiniStack batches and retries a failing batch, but ignores the retry limit: the batch is retried for ever."""
    trig = make_trig()
    try:
        result = trig.run("check", "dynamodb", "--semantics", "--json", "--keep")
        rows = rows_of(result)
        assert {prop: row["verdict"] for (_, prop), row in rows.items()} == {
            "batch size honoured": "pass",
            "failing batch retried": "pass",
            "retry limit and destination": "not modelled",
        }, result.stdout
        batch = rows[("dynamodb", "batch size honoured")]
        lines = probe_lines(trig, "dynamodb", batch["nonce"])
        assert batch["counts"]["sizes"] == [len(e["ids"]) for e in lines if e["outcome"] == "ok"]
        assert max(batch["counts"]["sizes"]) <= 10 and sum(batch["counts"]["sizes"]) == 25
        retried = rows[("dynamodb", "failing batch retried")]
        assert retried["counts"]["invocations"] == len(probe_lines(trig, "dynamodb", retried["nonce"])) == 3
        stuck = rows[("dynamodb", "retry limit and destination")]
        assert len(probe_lines(trig, "dynamodb", stuck["nonce"])) >= stuck["counts"]["invocations"] > 3
    finally:
        destroyed = trig.run("destroy", "dynamodb", "--probes", expect=None)
    assert "probe-dynamodb" in destroyed.stdout, destroyed.stdout
    assert trig.client("dynamodb").list_tables()["TableNames"] == []
    assert trig.client("sqs").list_queues().get("QueueUrls", []) == []
