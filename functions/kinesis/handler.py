"""Stream trigger: log the decoded data of every record in the batch."""

import base64


def handler(event, context):
    for record in event.get("Records", []):
        data = base64.b64decode(record["kinesis"]["data"]).decode("utf-8", errors="replace")
        print(f"{record.get('eventName', '')} Data = {data}")
