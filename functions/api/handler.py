"""Synchronous trigger: answer an API Gateway proxy request with "{greeting} {name}"."""

import os


def handler(event, context):
    params = event.get("queryStringParameters") or {}
    name = params.get("name", "")
    greeting = os.environ.get("GREETING", "hello")
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "text/plain; charset=utf-8"},
        "body": f"{greeting} {name}",
    }
