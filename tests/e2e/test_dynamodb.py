"""DynamoDB Streams, stream-based, on the shared stack: check, verify with our own boto3.
Its semantics are proven in test_semantics, its destroy in test_core's lifecycle."""

from __future__ import annotations

import time
import uuid

from tests.e2e.test_core import wait_for_log

FUNCTION = "dynamodb-trigger-test"
TABLE = "lambda-test-table"


def test_check_confirms_the_inserted_item(shared_stack):
    result = shared_stack.run("check", "dynamodb", "--timeout", "60")
    rows = [line.split() for line in result.stdout.splitlines()[1:] if line and not line.startswith(" ")]
    assert [r[:3] for r in rows] == [["dynamodb", "stream", "ok"]], result.stdout


def test_table_stream_and_mapping_exist(shared_stack):
    trig = shared_stack
    table = trig.client("dynamodb").describe_table(TableName=TABLE)["Table"]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    [mapping] = trig.client("lambda").list_event_source_mappings(FunctionName=FUNCTION)["EventSourceMappings"]
    assert mapping["EventSourceArn"] == table["LatestStreamArn"]
    assert (mapping["BatchSize"], mapping["StartingPosition"]) == (100, "TRIM_HORIZON")


def test_our_own_update_is_logged_with_its_event_name(shared_stack):
    trig = shared_stack
    nonce = uuid.uuid4().hex[:8]
    start = int(time.time() * 1000) - 1000
    dynamodb = trig.client("dynamodb")
    dynamodb.put_item(TableName=TABLE, Item={"id": {"S": f"own-{nonce}"}, "nonce": {"S": "first"}})
    dynamodb.put_item(TableName=TABLE, Item={"id": {"S": f"own-{nonce}"}, "nonce": {"S": nonce}})
    lines = wait_for_log(trig, f"/aws/lambda/{FUNCTION}", f"MODIFY nonce = {nonce}", start)
    assert "INSERT nonce = first" in lines
