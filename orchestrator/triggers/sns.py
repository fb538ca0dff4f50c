"""Asynchronous: SNS accepts the message at once and delivers it to the subscribed function."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from orchestrator.experiments.destination import invoke_config_accepted
from orchestrator.experiments.queued import run_queued_experiments
from orchestrator.experiments.verdicts import Row
from orchestrator.settings import Settings
from orchestrator.triggers.base import AppliedTrigger, NewNonce, Trigger, TypeRow


class SnsTrigger(Trigger):
    name = "sns"
    fire_options = {"data": "the message"}
    source_setting = "topic"
    listed = 4
    invocation = "asynchronous"
    banner = "SNS trigger Lambda"
    action = "Publish"
    row = TypeRow(
        trigger="SNS topic `lambda-test-topic`, the function subscribed (`lambda`), permission `sns-publish`",
        aws_does="accepts the message and delivers it in the background; a failed invocation is retried twice",
        check_fires="`Publish` of `test-<nonce>`",
        confirms="`Message = test-<nonce>` in `/aws/lambda/sns-trigger-test`",
    )
    defaults = {
        "function_name": "sns-trigger-test",
        "topic": "lambda-test-topic",
        "timeout": 10,
        "memory_size": 128,
    }

    def send(self, target: AppliedTrigger, texts: list[str], concurrency: int = 1) -> None:
        """Publish one message per text."""
        topic = self.source(target)
        sns = target.client("sns")
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(lambda text: sns.publish(TopicArn=topic, Message=text), texts))

    def source(self, target: AppliedTrigger) -> str:
        return str(target.outputs.of("sns", "topic_arn"))

    def marker(self, target: AppliedTrigger, nonce: str) -> str:
        return f"Message = {self.payload(nonce)}"

    def probe_defaults(self, settings: Settings) -> dict[str, object]:
        # One retry, as for S3, so that a row would show the setting obeyed rather than the default.
        return {"topic": "trig-probe-topic", "maximum_retry_attempts": 1, "on_failure_queue": "trig-probe-sns-failures"}

    def run_semantics(self, target: AppliedTrigger, values: dict, new_nonce: NewNonce, timeout: float) -> list[Row]:
        retries = int(values["maximum_retry_attempts"])
        return run_queued_experiments(target, self.name, self.action, lambda text: self.send(target, [text]),
                                      target.outputs.of("sns", "on_failure_queue_url"), retries, new_nonce, timeout,
                                      accepted=invoke_config_accepted(target, retries))
