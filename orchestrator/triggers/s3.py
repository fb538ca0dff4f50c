"""Asynchronous: S3 queues the event and returns at once; the function logs what it got."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from orchestrator.logwatch import LogEvent
from orchestrator.errors import UsageError
from orchestrator.triggers.base import (
    Confirmation, HeldOutput, Sent, Target, Trigger, UserEvent, last_lines, now_ms, silent_note, wait_for_lines,
)

BANNER = "S3 trigger Lambda"


def object_key(target: Target, nonce: str) -> str:
    """A key carrying the nonce that passes the notification's prefix and suffix filters."""
    s3 = target.outputs["s3"]
    suffix = s3.get("filter_suffix") or ".txt"
    return f"{s3.get('filter_prefix') or ''}trig-check-{nonce}{suffix}"


def logged_object(events: list[LogEvent], key: str) -> bool:
    """True when this key's line was logged, and the banner the function prints before it no later.

    Not necessarily in one invocation's lines: an engine that reads a function's output late
    (MiniStack under load) logs the rest of it with that worker's next invocation.
    """
    key_times = [e.timestamp for e in events if e.message.endswith(f"key = {key}")]
    return any(e.message == BANNER and e.timestamp <= t for t in key_times for e in events)


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
        bucket = target.outputs["s3"]["bucket_name"]
        s3 = target.client("s3")

        def put(nonce: str) -> None:
            s3.put_object(Bucket=bucket, Key=object_key(target, nonce), Body=nonce.encode())

        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(put, nonces))
        return None

    def fire_and_confirm(self, target: Target, nonce: str, timeout: float) -> Confirmation:
        bucket = target.outputs["s3"]["bucket_name"]
        key = object_key(target, nonce)
        start = now_ms()
        target.client("s3").put_object(Bucket=bucket, Key=key, Body=f"trig check {nonce}\n".encode())
        held = HeldOutput(target)
        watched = wait_for_lines(target, start, timeout, lambda evs: logged_object(evs, key), held)
        if watched.found:
            return Confirmation(True, f"{BANNER!r} and key {key} in {target.log_group}{held.note(True)}",
                                waited=watched.waited, released=held.released)
        return Confirmation(False, f"no {BANNER!r} line for s3://{bucket}/{key} in {target.log_group}"
                                   f"{silent_note(watched.seen)}{held.note(False)} (waited {watched.waited:.1f} s)",
                            last_lines(watched.seen), watched.waited, held.released)

    def send_event(self, target: Target, event: UserEvent, timeout: float) -> Sent:
        """PutObject of the user's key and body; S3 answers at once and invokes the function later."""
        if event.query:
            raise UsageError("the s3 trigger takes --key and --data or --file, not --query.")
        s3 = target.outputs["s3"]
        key = event.key or object_key(target, uuid.uuid4().hex[:12])
        body = event.data if event.data is not None else f"trig fire {key}\n".encode()
        response = target.client("s3").put_object(Bucket=s3["bucket_name"], Key=key, Body=body)
        receipt = {"bucket": s3["bucket_name"], "key": key, "request id": response["ResponseMetadata"].get("RequestId", ""),
                   "etag": response.get("ETag", "").strip('"')}
        prefix, suffix = s3.get("filter_prefix") or "", s3.get("filter_suffix") or ""
        if not (key.startswith(prefix) and key.endswith(suffix)):
            return Sent(receipt, expects_logs=False,
                        note=f"key {key} does not match the notification's filter (prefix {prefix!r}, suffix {suffix!r}): "
                             "S3 sends the function no event")
        return Sent(receipt, marker=f"key = {key}")
