"""Semantics probe: each event says how to behave, and every invocation logs one `PROBE {json}` line.

An instruction is `<action>.<nonce>.<id>`, where action is
  answer      return normally
  sleep-N     sleep N milliseconds, then return
  raise       raise an error, every time
  fail-K      raise on the first K attempts at this id, then return
It arrives where the seed functions read what trig sends: the `name` query
parameter (API Gateway), the object key's last path segment (S3), the record's
data (Kinesis), the message (SNS), the event's `detail.nonce` (EventBridge), the
new image's `nonce` attribute (DynamoDB Streams) or the message body (SQS).

Attempts are counted in the bucket PROBE_STATE_BUCKET (one object per id), not in
memory, because retries may reach another process. Every invocation is also recorded
there, as `invocations/<nonce>/<request id>` holding the PROBE line's JSON: an engine may
lose a function's output (MiniStack does under load), and the record still shows it ran.
"""

import base64
import json
import os
import time
from urllib.parse import unquote_plus

ACTIONS = ("answer", "sleep", "raise", "fail")


class ProbeFailure(Exception):
    """Raised on purpose: the event asked the probe to fail."""


def parse_instruction(text):
    """`fail-2.nonce.id` -> {"action": "fail", "arg": 2, "nonce": "nonce", "id": "id"}; None when not one."""
    parts = text.strip().split(".")
    if len(parts) < 3:
        return None
    action, _, arg = parts[0].partition("-")
    if action not in ACTIONS:
        return None
    return {"action": action, "arg": int(arg) if arg.isdigit() else 0, "nonce": parts[1], "id": ".".join(parts[2:])}


def _record_text(record):
    """The instruction text one record of a Records event carries ("" when none)."""
    if "kinesis" in record:
        return base64.b64decode(record["kinesis"]["data"]).decode("utf-8", errors="replace")
    if "s3" in record:
        key = unquote_plus(record["s3"].get("object", {}).get("key", ""))
        return key.rsplit("/", 1)[-1].removesuffix(".txt")
    if "Sns" in record:
        return record["Sns"].get("Message", "")
    if "dynamodb" in record:
        return ((record["dynamodb"].get("NewImage") or {}).get("nonce") or {}).get("S", "")
    if record.get("eventSource") == "aws:sqs":
        return record.get("body", "")
    return ""


def instructions(event):
    """The instructions an API Gateway, S3, Kinesis, SNS, EventBridge, DynamoDB or SQS event carries, in order."""
    if "queryStringParameters" in event or "httpMethod" in event:
        texts = [(event.get("queryStringParameters") or {}).get("name", "")]
    elif "detail-type" in event:
        detail = event.get("detail")
        texts = [detail.get("nonce", "")] if isinstance(detail, dict) else []
    else:
        texts = [_record_text(record) for record in event.get("Records", [])]
    return [i for i in map(parse_instruction, texts) if i is not None]


_clients = []


def _state_client():
    if not _clients:
        import boto3  # present in every AWS Python runtime, and in the emulator's

        _clients.append(boto3.client("s3", endpoint_url=os.environ.get("PROBE_ENDPOINT") or None))
    return _clients[0]


def record_invocation(line):
    """Keep the invocation's line in the state bucket, once per nonce; never fails the invocation."""
    bucket = os.environ.get("PROBE_STATE_BUCKET", "")
    if not bucket or not line["request_id"]:
        return
    body = json.dumps(line, sort_keys=True).encode()
    for nonce in line["nonces"]:
        try:
            _state_client().put_object(Bucket=bucket, Key=f"invocations/{nonce}/{line['request_id']}", Body=body)
        except Exception as exc:  # the log line is still written; a missing record only loses the second copy
            print(f"PROBE-RECORD-FAILED {nonce}: {exc}", flush=True)


def count_attempt(nonce, item_id):
    """Add one to the attempt counter of an id, kept as an object in the state bucket; returns the new count."""
    bucket = os.environ.get("PROBE_STATE_BUCKET", "")
    if not bucket:
        raise ProbeFailure("fail-K needs PROBE_STATE_BUCKET to count attempts")
    client = _state_client()
    key = f"attempts/{nonce}/{item_id}"
    try:
        count = int(client.get_object(Bucket=bucket, Key=key)["Body"].read())
    except client.exceptions.NoSuchKey:
        count = 0
    count += 1
    client.put_object(Bucket=bucket, Key=key, Body=str(count).encode())
    return count


def handler(event, context):
    items = instructions(event)
    attempts = {}
    for item in items:
        if item["action"] == "fail":
            attempts[item["id"]] = count_attempt(item["nonce"], item["id"])
    failing = [i["id"] for i in items
               if i["action"] == "raise" or (i["action"] == "fail" and attempts[i["id"]] <= i["arg"])]
    sleep_ms = max([i["arg"] for i in items if i["action"] == "sleep"], default=0)
    started_ms = int(time.time() * 1000)
    if sleep_ms and not failing:
        time.sleep(sleep_ms / 1000)
    line = {
        "request_id": getattr(context, "aws_request_id", ""),
        "nonces": sorted({i["nonce"] for i in items}),
        "ids": [i["id"] for i in items],
        "attempts": attempts,
        "outcome": "raise" if failing else "ok",
        "started_ms": started_ms,
        "finished_ms": int(time.time() * 1000),
    }
    record_invocation(line)
    print("PROBE " + json.dumps(line, sort_keys=True), flush=True)
    if failing:
        raise ProbeFailure(f"probe failing on purpose for {', '.join(failing)}")
    first = items[0] if items else {"nonce": "", "id": ""}
    answer = {"answer": f"probe {first['nonce']} {first['id']}", "ids": line["ids"]}
    if "queryStringParameters" in event or "httpMethod" in event:
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(answer)}
    return answer
