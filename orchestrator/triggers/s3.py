"""Asynchronous: S3 queues the event and returns at once; the function logs what it got."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from orchestrator.logwatch import LogEvent
from orchestrator.errors import UsageError
from orchestrator.triggers.base import Confirmation, Sent, Target, Trigger, UserEvent, last_lines, now_ms, wait_for_lines

BANNER = "S3 trigger Lambda"


def object_key(target: Target, nonce: str) -> str:
    """A key carrying the nonce that passes the notification's prefix and suffix filters."""
    suffix = target.outputs.of("s3", "filter_suffix", default=None) or ".txt"
    return f"{target.outputs.of('s3', 'filter_prefix', default=None) or ''}trig-check-{nonce}{suffix}"


def logged_object(events: list[LogEvent], key: str) -> bool:
    """True when one invocation logged both the banner and this key."""
    key_lines = [e for e in events if e.message.endswith(f"key = {key}")]
    return any(e.stream == k.stream and e.message == BANNER and e.timestamp <= k.timestamp
               for k in key_lines for e in events)


class S3Trigger(Trigger):
    name = "s3"
    invocation = "asynchronous"
    description = "S3 bucket, s3:ObjectCreated:* notification to the function"
    defaults = {
        "function_name": "s3-trigger-test",
        "bucket": "test-bucket",
        "filter_prefix": "",
        "filter_suffix": "",
        "timeout": 10,
        "memory_size": 128,
    }

    def marker(self, target: Target, nonce: str) -> str:
        return f"key = {object_key(target, nonce)}"

    def fire_load(self, target: Target, nonces: list[str], concurrency: int, timeout: float) -> None:
        bucket = target.outputs.of("s3", "bucket_name")
        s3 = target.client("s3")

        def put(nonce: str) -> None:
            s3.put_object(Bucket=bucket, Key=object_key(target, nonce), Body=nonce.encode())

        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(put, nonces))
        return None

    def fire_and_confirm(self, target: Target, nonce: str, timeout: float) -> Confirmation:
        bucket = target.outputs.of("s3", "bucket_name")
        key = object_key(target, nonce)
        start = now_ms()
        target.client("s3").put_object(Bucket=bucket, Key=key, Body=f"trig check {nonce}\n".encode())
        found, events = wait_for_lines(target, start, timeout, lambda evs: logged_object(evs, key))
        if found:
            return Confirmation(True, f"{BANNER!r} and key {key} in {target.log_group}")
        return Confirmation(False, f"no {BANNER!r} line for s3://{bucket}/{key} in {target.log_group}", last_lines(events))

    def send_event(self, target: Target, event: UserEvent, timeout: float) -> Sent:
        """PutObject of the user's key and body; S3 answers at once and invokes the function later."""
        if event.query:
            raise UsageError("the s3 trigger takes --key and --data or --file, not --query.")
        bucket = target.outputs.of("s3", "bucket_name")
        key = event.key or object_key(target, uuid.uuid4().hex[:12])
        body = event.data if event.data is not None else f"trig fire {key}\n".encode()
        response = target.client("s3").put_object(Bucket=bucket, Key=key, Body=body)
        receipt = {"bucket": bucket, "key": key, "request id": response["ResponseMetadata"].get("RequestId", ""),
                   "etag": response.get("ETag", "").strip('"')}
        prefix = target.outputs.of("s3", "filter_prefix", default=None) or ""
        suffix = target.outputs.of("s3", "filter_suffix", default=None) or ""
        if not (key.startswith(prefix) and key.endswith(suffix)):
            return Sent(receipt, expects_logs=False,
                        note=f"key {key} does not match the notification's filter (prefix {prefix!r}, suffix {suffix!r}): "
                             "S3 sends the function no event")
        return Sent(receipt, marker=f"key = {key}")
