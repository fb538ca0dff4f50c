"""Asynchronous trigger: log every message SNS delivers."""


def handler(event, context):
    print("SNS trigger Lambda")
    for record in event.get("Records", []):
        sns = record.get("Sns", {})
        print(f"topic = {sns.get('TopicArn', '')} Message = {sns.get('Message', '')}")
