"""Firing one event through a discovered trigger, carrying a nonce the function's redirect will record.

Each event is made to pass the trigger's own filter: the S3 key takes the notification's prefix and suffix,
the SNS message the subscription's filter policy, the EventBridge event the rule's pattern, the DynamoDB
item the table's key schema and attribute types; a path parameter of an API holds the nonce.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

from orchestrator import plain_http as http
from orchestrator.aws import make_client, signed_headers
from orchestrator.roots.discovery import Found
from orchestrator.settings import Settings

_PATH_PARAMETER = re.compile(r"\{[^}]+\}")
# The query parameter an API request carries the nonce in, besides its path parameters.
QUERY_NAME = "trig"


@dataclass(frozen=True)
class Fired:
    """What was sent: the token the function's event will carry, a phrase for the row, and an answer if synchronous."""

    token: str
    sent: str
    answer: http.Answer | None = None
    # What removes what the event left behind, once it is confirmed (the object trig put in the team's bucket,
    # which would otherwise keep a bucket without force_destroy from being destroyed).
    cleanup: Callable[[], object] | None = None


def _request(method: str, url: str, settings: Settings, nonce: str, headers: dict[str, str] | None = None) -> http.Answer:
    method = "GET" if method in ("ANY", "$default", "") else method
    body = json.dumps({QUERY_NAME: nonce}).encode() if method in ("POST", "PUT", "PATCH") else None
    signed = signed_headers(method, url, settings)
    return http.send(method, url, {**signed, **(headers or {}), "Content-Type": "application/json"}, body)


def _filled(path: str, nonce: str) -> str:
    return _PATH_PARAMETER.sub(nonce, path or "/")


def _rest_api(found: Found, settings: Settings, nonce: str) -> Fired:
    f = found.fire
    url = (f"{settings.endpoint}/restapis/{f['api_id']}/{f['stage']}/_user_request_{_filled(str(f['path']), nonce)}"
           f"?{urllib.parse.urlencode({QUERY_NAME: nonce})}")
    return Fired(nonce, f"{f['method']} {f['path']} on stage {f['stage']}", _request(str(f["method"]), url, settings, nonce))


def _http_api(found: Found, settings: Settings, nonce: str) -> Fired:
    f = found.fire
    url = (f"{settings.endpoint}/_aws/execute-api/{f['api_id']}/{f['stage']}{_filled(str(f['path']), nonce)}"
           f"?{urllib.parse.urlencode({QUERY_NAME: nonce})}")
    return Fired(nonce, f"{f['method']} {f['path']} on stage {f['stage']}", _request(str(f["method"]), url, settings, nonce))


def _function_url(found: Found, settings: Settings, nonce: str) -> Fired:
    url = f"{settings.endpoint}/_aws/lambda-url/{found.fire['url_id']}/?{urllib.parse.urlencode({QUERY_NAME: nonce})}"
    return Fired(nonce, "a request to its function URL", _request("GET", url, settings, nonce))


def _s3(found: Found, settings: Settings, nonce: str) -> Fired:
    f = found.fire
    key = f"{f['prefix']}trig-{nonce}{f['suffix']}"
    s3 = make_client("s3", settings)
    s3.put_object(Bucket=str(f["bucket"]), Key=key, Body=nonce.encode())
    return Fired(nonce, f"PutObject s3://{f['bucket']}/{key}",
                 cleanup=lambda: s3.delete_object(Bucket=str(f["bucket"]), Key=key))


def _attribute(value: object) -> dict:
    if isinstance(value, bool) or isinstance(value, str) or value is None:
        return {"DataType": "String", "StringValue": str(value).lower() if isinstance(value, bool) else str(value)}
    if isinstance(value, (int, float)):
        return {"DataType": "Number", "StringValue": str(value)}
    return {"DataType": "String", "StringValue": json.dumps(value)}


def _sns(found: Found, settings: Settings, nonce: str) -> Fired:
    f = found.fire
    matching = dict(f["matching"])
    if f["scope"] == "MessageBody":
        message, attributes = json.dumps({**matching, QUERY_NAME: nonce}), {}
    else:
        message = json.dumps({QUERY_NAME: nonce})
        attributes = {name: _attribute(value) for name, value in matching.items()}
    make_client("sns", settings).publish(TopicArn=str(f["topic_arn"]), Message=message, MessageAttributes=attributes)
    shown = f" with attributes {json.dumps(matching)}" if attributes else ""
    return Fired(nonce, f"Publish to {str(f['topic_arn']).rsplit(':', 1)[-1]}{shown}")


def _eventbridge(found: Found, settings: Settings, nonce: str) -> Fired:
    f = found.fire
    event = dict(f["matching"])
    entry = {"Source": str(event["source"]), "DetailType": str(event["detail-type"]),
             "Detail": json.dumps({**dict(event.get("detail") or {}), QUERY_NAME: nonce}),
             "EventBusName": str(f["bus"])}
    if event.get("resources"):
        entry["Resources"] = [str(event["resources"])]
    answer = make_client("events", settings).put_events(Entries=[entry])
    if answer.get("FailedEntryCount"):
        raise RuntimeError(f"PutEvents refused the event: {answer.get('Entries')}")
    return Fired(nonce, f"PutEvents {event['source']} / {event['detail-type']}")


def _sqs(found: Found, settings: Settings, nonce: str) -> Fired:
    url = str(found.fire["queue_url"])
    make_client("sqs", settings).send_message(QueueUrl=url, MessageBody=json.dumps({QUERY_NAME: nonce}))
    return Fired(nonce, f"SendMessage to {url.rsplit('/', 1)[-1]}")


def _kinesis(found: Found, settings: Settings, nonce: str) -> Fired:
    stream = str(found.fire["stream"])
    make_client("kinesis", settings).put_record(StreamName=stream, Data=json.dumps({QUERY_NAME: nonce}).encode(),
                                                PartitionKey=nonce)
    return Fired(nonce, f"PutRecord to {stream}")


def key_item(keys: list, nonce: str) -> tuple[dict, str]:
    """An item holding only the table's key, made of the nonce; and the token its stream record will show."""
    number = str(int(nonce[:10], 16))
    item = {}
    for name, kind in keys:
        item[name] = {"N": number} if kind == "N" else {"B": nonce.encode()} if kind == "B" else {"S": f"trig-{nonce}"}
    token = nonce if any(kind == "S" for _, kind in keys) else number
    return item, token


def _dynamodb(found: Found, settings: Settings, nonce: str) -> Fired:
    table = str(found.fire["table"])
    item, token = key_item(list(found.fire["keys"]), nonce)
    make_client("dynamodb", settings).put_item(TableName=table, Item=item)
    return Fired(token, f"PutItem to {table}")


FIRES = {"rest_api": _rest_api, "http_api": _http_api, "function_url": _function_url, "s3": _s3, "sns": _sns, "eventbridge": _eventbridge, "sqs": _sqs,
         "kinesis": _kinesis, "dynamodb": _dynamodb}


def fire(found: Found, settings: Settings, nonce: str) -> Fired:
    """Send one event through the trigger; settings point at the region its function is in."""
    return FIRES[found.kind](found, settings, nonce)
