"""What the order function did with each event: the item it wrote, read back from the emulator's DynamoDB."""

import json

import pytest


@pytest.fixture(scope="session")
def orders(trig_stack):
    """The orders function applied once for the session, with the table it writes to."""
    stack = trig_stack("orders")
    dynamodb = stack.client("dynamodb")
    if "orders" not in dynamodb.list_tables()["TableNames"]:
        dynamodb.create_table(TableName="orders", BillingMode="PAY_PER_REQUEST",
                              KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    return stack


def stored(stack, order_id):
    item = stack.client("dynamodb").get_item(TableName="orders", Key={"id": {"S": order_id}}).get("Item")
    return item and item["source"]["S"]


def test_a_queued_order_is_stored(orders):
    orders.fire(trigger="queue", data=json.dumps({"id": "7"})).wait_logged("stored order 7 from queue", within=30)
    assert stored(orders, "7") == "queue"


def test_an_order_through_the_api_is_stored(orders):
    fired = orders.fire(trigger="http", query={"id": "8"})
    assert (fired.status, json.loads(fired.body)) == (200, {"stored": "8"})
    assert stored(orders, "8") == "api"
