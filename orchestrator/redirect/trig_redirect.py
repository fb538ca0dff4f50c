"""trig's redirect for a project's Python function, deployed on the emulator only (never by terraform/envs/aws).

The function's handler points here; TRIG_ORIGINAL_HANDLER names the user's. Each invocation logs one
`TRIG-RECEIVED` line with the identities of the event (object keys, message bodies and ids, record data,
item keys, the request's query), calls the user's handler untouched, and logs one `TRIG-OUTCOME` line:
returned, or raised (type, message and the last frame of the user's code), then raises again. A raised
error also carries both lines as notes: the engine kills a worker whose function raised and may not have read
its output yet, but the error's traceback reaches the log through the worker's answer.
A `{"trig-release": true, "hold_ms": n}` event is trig asking the engine for output it held back: answered
here after n ms (at most a second), so that the release invocations trig makes at once overlap.
"""

import base64
import importlib
import json
import os
import sys
import time
import traceback
import uuid

_LIMIT = 200  # characters kept of one identity


def _text(value):
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return text[:_LIMIT]


def _record_identities(record):
    found = []
    if "s3" in record:
        found.append(record["s3"].get("object", {}).get("key", ""))
    if "Sns" in record:
        found += [record["Sns"].get("Message", ""), record["Sns"].get("MessageId", "")]
    if "kinesis" in record:
        data = record["kinesis"].get("data", "")
        try:
            found.append(base64.b64decode(data).decode("utf-8", "replace"))
        except ValueError:
            found.append(data)
        found.append(record["kinesis"].get("sequenceNumber", ""))
    if "dynamodb" in record:
        found.append(record["dynamodb"].get("Keys", {}))
        found.append(record.get("eventID", ""))
    if "body" in record:  # SQS
        found += [record.get("body", ""), record.get("messageId", "")]
    return found


def identities(event):
    """What identifies the event: per record of a batch, or of the request or event itself."""
    if not isinstance(event, dict):
        return [_text(event)]
    found = []
    for record in event.get("Records") or []:
        if isinstance(record, dict):
            found += _record_identities(record)
    if "requestContext" in event or "httpMethod" in event:  # API Gateway
        found += [event.get("path", ""), event.get("queryStringParameters") or {}, event.get("body") or ""]
    if "detail-type" in event:  # EventBridge
        found += [event.get("id", ""), event.get("detail", {})]
    if not found:
        found.append(event)
    return [_text(item) for item in found if item not in ("", {}, None)]


def _user_frame(tb):
    """The last frame of the traceback outside this file: where the user's code raised."""
    frames = [f for f in traceback.extract_tb(tb) if os.path.basename(f.filename) != os.path.basename(__file__)]
    if not frames:
        return ""
    last = frames[-1]
    return f"{os.path.basename(last.filename)}:{last.lineno} in {last.name}"


def _say(kind, document):
    line = f"TRIG-{kind} {json.dumps(document, sort_keys=True)}"
    print(line, flush=True)
    return line


def _original():
    module, _, name = os.environ["TRIG_ORIGINAL_HANDLER"].rpartition(".")
    # Lambda also takes a nested handler written with slashes (pkg/mod.handle); import wants dots.
    return getattr(importlib.import_module(module.replace("/", ".")), name)


def handler(event, context):
    if isinstance(event, dict) and event.get("trig-release"):
        hold = event.get("hold_ms")
        time.sleep(min(max(hold, 0), 1000) / 1000 if isinstance(hold, (int, float)) else 0)
        return {"released": True}
    token = getattr(context, "aws_request_id", "") or uuid.uuid4().hex
    received = _say("RECEIVED", {"request": token, "ids": identities(event)})
    try:
        result = _original()(event, context)
    except Exception as exc:
        outcome = _say("OUTCOME", {"request": token, "ok": False, "error": f"{type(exc).__name__}: {exc}"[:500],
                                   "frame": _user_frame(sys.exc_info()[2])})
        if hasattr(exc, "add_note"):  # Python 3.11 and later
            exc.add_note(received)
            exc.add_note(outcome)
        raise
    _say("OUTCOME", {"request": token, "ok": True})
    return result
