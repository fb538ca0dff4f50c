"""Asynchronous trigger: log each EventBridge event, scheduled or custom, with its detail."""

import json


def handler(event, context):
    print(f"EventBridge trigger Lambda: {event.get('detail-type', '')} from {event.get('source', '')}")
    print(f"detail = {json.dumps(event.get('detail') or {}, sort_keys=True)}")
