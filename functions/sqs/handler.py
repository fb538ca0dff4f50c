"""Poll-based trigger: log the body of every message in the batch."""


def handler(event, context):
    for record in event.get("Records", []):
        print(f"{record.get('messageId', '')} Body = {record.get('body', '')}")
