"""Asynchronous: S3 queues the event and returns at once; the function logs what it got."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from orchestrator.confirmation import Confirmation, HeldOutput, cut_after, last_lines, silent_note, wait_for_lines
from orchestrator.errors import UsageError
from orchestrator.experiments.queued import run_queued_experiments
from orchestrator.experiments.verdicts import Row
from orchestrator.logwatch import LogEvent
from orchestrator.settings import Settings
from orchestrator.triggers.base import AppliedTrigger, NewNonce, Sent, Trigger, TypeRow, UserEvent, now_ms

BANNER = "S3 trigger Lambda"


def object_key(target: AppliedTrigger, text: str) -> str:
    """The key of the object carrying text, passing the notification's prefix and suffix filters
    (the probe reads text as the key's last segment, without .txt)."""
    prefix = target.outputs.of("s3", "filter_prefix", default=None) or ""
    return f"{prefix}{text}{target.outputs.of('s3', 'filter_suffix', default=None) or '.txt'}"


def logged_object(events: list[LogEvent], key: str) -> bool:
    """True when this key's line was logged, and the banner the function prints before it no later.

    Not necessarily in one invocation's lines: an engine that reads a function's output late
    (MiniStack under load) logs the rest of it with that worker's next invocation.
    """
    key_times = [e.timestamp for e in events if e.message.endswith(f"key = {key}")]
    return any(e.message == BANNER and e.timestamp <= t for t in key_times for e in events)


class S3Trigger(Trigger):
    name = "s3"
    listed = 2
    invocation = "asynchronous"
    source_setting = "bucket"
    action = "PutObject"
    banner = BANNER
    fire_options = {"data": "the object's content", "key": "the object key"}
    row = TypeRow(
        trigger="S3 bucket `test-bucket`, `s3:ObjectCreated:*`",
        aws_does="queues the event and returns at once; a failed invocation is retried twice",
        check_fires="`PutObject` of a key carrying the nonce",
        confirms="`S3 trigger Lambda` and the key in `/aws/lambda/s3-trigger-test`",
    )
    defaults = {
        "function_name": "s3-trigger-test",
        "bucket": "test-bucket",
        "filter_prefix": "",
        "filter_suffix": "",
        "timeout": 10,
        "memory_size": 128,
    }

    def send(self, target: AppliedTrigger, texts: list[str], concurrency: int = 1) -> None:
        """PutObject of one object per text, its key carrying the text, its body the text."""
        bucket = target.outputs.of("s3", "bucket_name")
        s3 = target.client("s3")
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(lambda text: s3.put_object(Bucket=bucket, Key=object_key(target, text), Body=text.encode()),
                          texts))

    def source(self, target: AppliedTrigger) -> str:
        return f"s3://{target.outputs.of('s3', 'bucket_name')}"

    def payload(self, nonce: str) -> str:
        return f"trig-check-{nonce}"

    def marker(self, target: AppliedTrigger, nonce: str) -> str:
        return f"key = {object_key(target, self.payload(nonce))}"

    def fire_and_confirm(self, target: AppliedTrigger, nonce: str, timeout: float) -> Confirmation:
        """PutObject, then wait for the banner and the key's line (the banner alone could be any invocation's)."""
        key = object_key(target, self.payload(nonce))
        start = now_ms()
        self.send(target, [self.payload(nonce)])
        held = HeldOutput(target, cut_after(self.banner))
        watched = wait_for_lines(target, start, timeout, lambda evs: logged_object(evs, key), held)
        if watched.found:
            return Confirmation(True, f"{BANNER!r} and key {key} in {target.log_group}{held.note(True)}",
                                waited=watched.waited, released=held.released)
        return Confirmation(False, f"no {BANNER!r} line for {self.source(target)}/{key} in {target.log_group}"
                                   f"{silent_note(watched.seen)}{held.note(False)} (waited {watched.waited:.1f} s)",
                            last_lines(watched.seen), watched.waited, held.released)

    def probe_defaults(self, settings: Settings) -> dict[str, object]:
        # One retry, not the default two: the row then shows the setting is obeyed, not just the default.
        return {"bucket": f"trig-probe-{settings.account_id}-events", "filter_prefix": "probe/", "maximum_retry_attempts": 1,
                "on_failure_queue": "trig-probe-s3-failures"}

    def run_semantics(self, target: AppliedTrigger, values: dict, new_nonce: NewNonce, timeout: float) -> list[Row]:
        """The probe's instruction is the last segment of the object key."""
        return run_queued_experiments(target, self.name, self.action, lambda text: self.send(target, [f"probe/{text}"]),
                                      target.outputs.of("s3", "on_failure_queue_url"),
                                      int(values["maximum_retry_attempts"]), new_nonce, timeout)

    def send_event(self, target: AppliedTrigger, event: UserEvent, timeout: float) -> Sent:
        """PutObject of the user's key and body; S3 answers at once and invokes the function later."""
        if event.query:
            raise UsageError("the s3 trigger takes --key and --data or --file, not --query.")
        bucket = target.outputs.of("s3", "bucket_name")
        key = event.key or object_key(target, self.payload(uuid.uuid4().hex[:12]))
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
