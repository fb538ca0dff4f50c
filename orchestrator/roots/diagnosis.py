"""Why an event fired through a team root's trigger reached no invocation: what the emulator says of the wiring
(the mapping's state, the bucket's notifications, the topic's subscriptions, the rule and its targets), then of
the function, as `trig check` says for trig's own triggers."""

from __future__ import annotations

from collections.abc import Callable

from botocore.exceptions import BotoCoreError, ClientError

from orchestrator.applied import AppliedTrigger
from orchestrator.roots.discovery import Found
from orchestrator.triggers.base import function_diagnosis


def _mapping(found: Found, client) -> str:
    mapping = client("lambda").get_event_source_mapping(UUID=str(found.fire["uuid"]))
    return (f"event source mapping {found.fire['uuid']}: state {mapping.get('State', '?')}, last processing result "
            f"{mapping.get('LastProcessingResult', '?')}")


def _bucket(found: Found, client) -> str:
    notifications = client("s3").get_bucket_notification_configuration(Bucket=str(found.fire["bucket"]))
    functions = [c.get("LambdaFunctionArn", "").rsplit(":", 1)[-1]
                 for c in notifications.get("LambdaFunctionConfigurations", [])]
    return f"bucket {found.fire['bucket']} notifies: {', '.join(functions) or 'no function'}"


def _topic(found: Found, client) -> str:
    subscriptions = client("sns").list_subscriptions_by_topic(TopicArn=str(found.fire["topic_arn"]))["Subscriptions"]
    lambdas = [s.get("Endpoint", "").rsplit(":", 1)[-1] for s in subscriptions if s.get("Protocol") == "lambda"]
    return f"topic {str(found.fire['topic_arn']).rsplit(':', 1)[-1]} delivers to: {', '.join(lambdas) or 'no function'}"


def _rule(found: Found, client) -> str:
    events = client("events")
    rule = events.describe_rule(Name=str(found.fire["rule"]), EventBusName=str(found.fire["bus"]))
    targets = events.list_targets_by_rule(Rule=str(found.fire["rule"]), EventBusName=str(found.fire["bus"]))["Targets"]
    return (f"rule {found.fire['rule']}: state {rule.get('State', '?')}, targets: "
            f"{', '.join(t.get('Arn', '').rsplit(':', 1)[-1] for t in targets) or 'none'}")


_WIRING: dict[str, Callable[[Found, Callable], str]] = {
    "sqs": _mapping, "kinesis": _mapping, "dynamodb": _mapping, "s3": _bucket, "sns": _topic, "eventbridge": _rule,
    "schedule": _rule}


def diagnose(found: Found, target: AppliedTrigger) -> list[str]:
    """Lines explaining an event no invocation received: the trigger's wiring as the emulator has it, then the function."""
    lines = []
    wiring = _WIRING.get(found.kind)
    if wiring is not None:
        try:
            lines.append(wiring(found, target.client))
        except (ClientError, BotoCoreError, KeyError) as exc:
            lines.append(f"could not read {found.source} in the emulator: {exc}")
    return lines + function_diagnosis(target)
