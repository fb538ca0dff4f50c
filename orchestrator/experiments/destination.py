"""Where a failed event ends up (an on-failure queue, a dead-letter queue), and whether the engine took the settings that send it there."""

from __future__ import annotations

from botocore.exceptions import ClientError

from orchestrator.applied import AppliedTrigger


class Destination:
    """The on-failure queue, drained as it is read; keeps every body seen."""

    def __init__(self, target: AppliedTrigger, queue_url: str):
        self.sqs = target.client("sqs")
        self.queue_url = queue_url
        self.bodies: list[str] = []

    def drain(self) -> list[str]:
        while True:
            messages = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10,
                                                WaitTimeSeconds=0).get("Messages", [])
            if not messages:
                return self.bodies
            for message in messages:
                self.bodies.append(message.get("Body", ""))
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])

    def holds(self, nonce: str) -> bool:
        return any(nonce in body for body in self.drain())


def invoke_config_accepted(target: AppliedTrigger, retries: int) -> bool:
    """True when the function's asynchronous invocation settings read back as applied: the retry limit and a destination."""
    try:
        config = target.client("lambda").get_function_event_invoke_config(FunctionName=target.function_name)
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ResourceNotFoundException":
            return False
        raise
    destination = ((config.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
    return config.get("MaximumRetryAttempts") == retries and bool(destination)


def mapping_accepted(target: AppliedTrigger, mapping_uuid: str, retries: int) -> bool:
    """True when an event source mapping reads back with the retry limit and an on-failure destination."""
    mapping = target.client("lambda").get_event_source_mapping(UUID=mapping_uuid)
    return (mapping.get("MaximumRetryAttempts") == retries
            and bool(((mapping.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")))
