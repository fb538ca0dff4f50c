"""Stream trigger: log the event name and the new image's nonce of every DynamoDB stream record."""


def handler(event, context):
    for record in event.get("Records", []):
        image = (record.get("dynamodb") or {}).get("NewImage") or {}
        nonce = (image.get("nonce") or {}).get("S", "")
        print(f"{record.get('eventName', '')} nonce = {nonce}")
