"""Asynchronous: SNS accepts the message at once and delivers it to the subscribed function."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from orchestrator.settings import Settings
from orchestrator.triggers.base import Confirmation, Target, Trigger, confirm_marker, now_ms


def message(nonce: str) -> str:
    return f"test-{nonce}"


class SnsTrigger(Trigger):
    name = "sns"
    invocation = "asynchronous"
    description = "SNS topic with the function subscribed (protocol lambda)"
    defaults = {
        "function_name": "sns-trigger-test",
        "topic": "lambda-test-topic",
        "timeout": 10,
        "memory_size": 128,
    }

    def marker(self, target: Target, nonce: str) -> str:
        return f"Message = {message(nonce)}"

    def fire_load(self, target: Target, nonces: list[str], concurrency: int, timeout: float) -> None:
        topic = target.outputs.of("sns", "topic_arn")
        sns = target.client("sns")
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(lambda n: sns.publish(TopicArn=topic, Message=message(n)), nonces))
        return None

    def fire_and_confirm(self, target: Target, nonce: str, timeout: float) -> Confirmation:
        topic = target.outputs.of("sns", "topic_arn")
        expected = self.marker(target, nonce)
        start = now_ms()
        target.client("sns").publish(TopicArn=topic, Message=message(nonce), Subject="trig check")
        return confirm_marker(target, start, timeout, expected, f"Publish to {topic}")

    def probe_defaults(self, settings: Settings) -> dict[str, object]:
        # One retry, as for S3, so that a row would show the setting obeyed rather than the default.
        return {"topic": "trig-probe-topic", "maximum_retry_attempts": 1, "on_failure_queue": "trig-probe-sns-failures"}

    def run_semantics(self, target: Target, values: dict, new_nonce, timeout: float):
        from orchestrator.semantics.asynchronous import invoke_config_accepted, run_queued_experiments

        sns = target.client("sns")
        topic = target.outputs.of("sns", "topic_arn")
        retries = int(values["maximum_retry_attempts"])
        return run_queued_experiments(
            target, self.name, "Publish", lambda instruction: sns.publish(TopicArn=topic, Message=instruction),
            target.outputs.of("sns", "on_failure_queue_url"), retries, new_nonce, timeout,
            accepted=invoke_config_accepted(target, retries))
