"""Store each order in the TABLE: from the API (GET /orders?id=N) and from the queue (a JSON body {"id": N})."""

import json
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE"])


def store(order_id, source):
    table.put_item(Item={"id": str(order_id), "source": source})
    print(f"stored order {order_id} from {source}")


def handler(event, context):
    if "Records" in event:
        for record in event["Records"]:
            store(json.loads(record["body"])["id"], "queue")
        return {}
    order_id = (event.get("queryStringParameters") or {}).get("id")
    if order_id is None:  # trig's own check sends a request without an id: nothing to store
        return {"statusCode": 200, "body": json.dumps({"stored": None})}
    store(order_id, "api")
    return {"statusCode": 200, "body": json.dumps({"stored": order_id})}
