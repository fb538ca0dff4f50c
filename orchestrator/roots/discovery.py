"""Every path by which something invokes a Lambda function, found in a team root's applied state.

Read from the state's managed resources (the same attributes `terraform show -json` prints): REST API
methods integrated with a function on each deployed stage, HTTP API routes and function URLs, S3 bucket
notifications, SNS subscriptions, EventBridge rules (patterns and schedules), and event source mappings
from SQS, Kinesis and DynamoDB streams. Each found trigger carries what firing it needs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from orchestrator.terraform.state import StateResource

SYNCHRONOUS, ASYNCHRONOUS, POLL, STREAM = "synchronous", "asynchronous", "poll", "stream"
# kind -> invocation type, in the order rows are shown.
KINDS = {"rest_api": SYNCHRONOUS, "http_api": SYNCHRONOUS, "function_url": SYNCHRONOUS, "s3": ASYNCHRONOUS,
         "sns": ASYNCHRONOUS, "eventbridge": ASYNCHRONOUS, "schedule": ASYNCHRONOUS, "sqs": POLL,
         "kinesis": STREAM, "dynamodb": STREAM}
_FUNCTION_ARN = re.compile(r"arn:aws[\w-]*:lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class Found:
    """One discovered trigger: its kind, the resource that makes it, the function it invokes, how to fire it."""

    kind: str
    source: str  # the address of the resource that wires it (a notification, a subscription, a mapping, ...)
    function: str
    region: str
    fire: Mapping[str, object] = field(default_factory=dict)
    cannot_fire: str = ""  # why trig cannot fire it here (an unsatisfiable pattern, a schedule, ...)

    @property
    def invocation(self) -> str:
        return KINDS[self.kind]

    @property
    def label(self) -> str:
        return f"{self.kind} {self.source}"


def region_of(arn: object) -> str | None:
    """The region in a function's ARN."""
    match = _FUNCTION_ARN.search(str(arn or ""))
    return match.group(1) if match else None


def _function(text: object, functions: Mapping[str, StateResource]) -> tuple[str, str] | None:
    """(name, region) of the function an ARN, an invoke URI or a name points at, when the state holds it."""
    text = str(text or "")
    match = _FUNCTION_ARN.search(text)
    name = match.group(3) if match else text
    function = functions.get(name)
    if function is None:
        return None
    region = match.group(1) if match else _FUNCTION_ARN.search(str(function.attributes.get("arn", ""))).group(1)
    return name, region


def _one(value: object) -> Mapping:
    """A nested block of the state (a list of one mapping), or an empty mapping."""
    if isinstance(value, Sequence) and not isinstance(value, str) and value:
        return value[0] if isinstance(value[0], Mapping) else {}
    return value if isinstance(value, Mapping) else {}


def _by_type(resources: Sequence[StateResource], kind: str) -> list[StateResource]:
    return [r for r in resources if r.type == kind]


def _rest_apis(resources, functions) -> list[Found]:
    paths = {(r.attributes.get("rest_api_id"), r.attributes.get("id")): r.attributes.get("path")
             for r in _by_type(resources, "aws_api_gateway_resource")}
    roots = {r.attributes.get("id"): r.attributes.get("root_resource_id") for r in _by_type(resources, "aws_api_gateway_rest_api")}
    stages = {}
    for stage in _by_type(resources, "aws_api_gateway_stage"):
        stages.setdefault(stage.attributes.get("rest_api_id"), []).append(str(stage.attributes.get("stage_name")))
    found = []
    for integration in _by_type(resources, "aws_api_gateway_integration"):
        a = integration.attributes
        target = _function(a.get("uri"), functions)
        if a.get("type") not in ("AWS_PROXY", "AWS") or target is None:
            continue
        api = a.get("rest_api_id")
        path = "/" if roots.get(api) == a.get("resource_id") else paths.get((api, a.get("resource_id")))
        method = str(a.get("http_method"))
        for stage in stages.get(api, []) or [None]:
            found.append(Found("rest_api", integration.address, target[0], target[1],
                               {"api_id": api, "stage": stage, "path": path, "method": method},
                               "" if stage else "the API has no deployed stage"))
    return found


def _http_apis(resources, functions) -> list[Found]:
    integrations = {(r.attributes.get("api_id"), r.attributes.get("id")): r.attributes
                    for r in _by_type(resources, "aws_apigatewayv2_integration")}
    stages = {}
    for stage in _by_type(resources, "aws_apigatewayv2_stage"):
        stages.setdefault(stage.attributes.get("api_id"), []).append(str(stage.attributes.get("name")))
    found = []
    for route in _by_type(resources, "aws_apigatewayv2_route"):
        a = route.attributes
        integration = integrations.get((a.get("api_id"), str(a.get("target") or "").removeprefix("integrations/")))
        target = _function(integration.get("integration_uri"), functions) if integration else None
        if target is None:
            continue
        method, _, path = str(a.get("route_key")).partition(" ")
        for stage in stages.get(a.get("api_id"), []) or [None]:
            found.append(Found("http_api", route.address, target[0], target[1],
                               {"api_id": a.get("api_id"), "stage": stage, "path": path or "/", "method": method},
                               "" if stage else "the API has no stage"))
    for url in _by_type(resources, "aws_lambda_function_url"):
        target = _function(url.attributes.get("function_name"), functions)
        if target is not None:
            found.append(Found("function_url", url.address, target[0], target[1],
                               {"url": url.attributes.get("function_url"), "url_id": url.attributes.get("url_id")}))
    return found


def _buckets(resources, functions) -> list[Found]:
    found = []
    for notification in _by_type(resources, "aws_s3_bucket_notification"):
        for entry in notification.attributes.get("lambda_function") or []:
            target = _function(entry.get("lambda_function_arn"), functions)
            if target is None:
                continue
            events = list(entry.get("events") or [])
            fire = {"bucket": notification.attributes.get("bucket"), "prefix": entry.get("filter_prefix") or "",
                    "suffix": entry.get("filter_suffix") or "", "events": events}
            creates = any(e.startswith("s3:ObjectCreated:") for e in events)
            found.append(Found("s3", notification.address, target[0], target[1], fire,
                               "" if creates else f"only {', '.join(events)} events, and trig fires object creations"))
    return found


def _subscriptions(resources, functions) -> list[Found]:
    found = []
    for subscription in _by_type(resources, "aws_sns_topic_subscription"):
        a = subscription.attributes
        target = _function(a.get("endpoint"), functions) if a.get("protocol") == "lambda" else None
        if target is None:
            continue
        policy = json.loads(a.get("filter_policy") or "{}")
        scope = a.get("filter_policy_scope") or "MessageAttributes"
        message = matching_document(policy)
        found.append(Found("sns", subscription.address, target[0], target[1],
                           {"topic_arn": a.get("topic_arn"), "policy": policy, "scope": scope,
                            "matching": message or {}},
                           "" if message is not None else "its filter policy uses operators trig cannot satisfy"))
    return found


def _rules(resources, functions) -> list[Found]:
    rules = {(r.attributes.get("event_bus_name") or "default", r.attributes.get("name")): r
             for r in _by_type(resources, "aws_cloudwatch_event_rule")}
    found = []
    for target_resource in _by_type(resources, "aws_cloudwatch_event_target"):
        a = target_resource.attributes
        target = _function(a.get("arn"), functions)
        rule = rules.get((a.get("event_bus_name") or "default", a.get("rule")))
        if target is None or rule is None:
            continue
        r = rule.attributes
        if r.get("schedule_expression"):
            found.append(Found("schedule", rule.address, target[0], target[1],
                               {"rule": r.get("name"), "bus": a.get("event_bus_name") or "default",
                                "expression": r.get("schedule_expression")},
                               f"a schedule ({r.get('schedule_expression')}): trig reports it, and fires it only when "
                               "--timeout covers its rate"))
            continue
        pattern = json.loads(r.get("event_pattern") or "{}")
        event = matching_document(pattern)
        found.append(Found("eventbridge", rule.address, target[0], target[1],
                           {"rule": r.get("name"), "bus": a.get("event_bus_name") or "default", "pattern": pattern,
                            "matching": event or {}},
                           "" if event is not None and event.get("source") and event.get("detail-type")
                           else "its event pattern uses operators trig cannot satisfy (or names no source and detail-type)"))
    return found


def _mappings(resources, functions) -> list[Found]:
    tables = {r.attributes.get("stream_arn"): r.attributes for r in _by_type(resources, "aws_dynamodb_table")}
    queues = {r.attributes.get("arn"): r.attributes for r in _by_type(resources, "aws_sqs_queue")}
    streams = {r.attributes.get("arn"): r.attributes for r in _by_type(resources, "aws_kinesis_stream")}
    found = []
    for mapping in _by_type(resources, "aws_lambda_event_source_mapping"):
        a = mapping.attributes
        target = _function(a.get("function_arn") or a.get("function_name"), functions)
        source = str(a.get("event_source_arn") or "")
        if target is None:
            continue
        disabled = "" if a.get("enabled", True) else "the mapping is disabled"
        if source in queues:
            found.append(Found("sqs", mapping.address, target[0], target[1],
                               {"queue_url": queues[source].get("url"), "uuid": a.get("uuid")}, disabled))
        elif source in streams:
            found.append(Found("kinesis", mapping.address, target[0], target[1],
                               {"stream": streams[source].get("name"), "uuid": a.get("uuid")}, disabled))
        elif source in tables:
            table = tables[source]
            types = {x.get("name"): x.get("type") for x in table.get("attribute") or []}
            keys = [(table.get("hash_key"), types.get(table.get("hash_key")))]
            if table.get("range_key"):
                keys.append((table.get("range_key"), types.get(table.get("range_key"))))
            found.append(Found("dynamodb", mapping.address, target[0], target[1],
                               {"table": table.get("name"), "keys": keys, "uuid": a.get("uuid")}, disabled))
    return found


def discover(resources: Sequence[StateResource]) -> list[Found]:
    """Every trigger of a function the state holds, in the order of KINDS, then by source address."""
    functions = {str(r.attributes.get("function_name")): r for r in _by_type(resources, "aws_lambda_function")}
    found = [*_rest_apis(resources, functions), *_http_apis(resources, functions), *_buckets(resources, functions),
             *_subscriptions(resources, functions), *_rules(resources, functions), *_mappings(resources, functions)]
    order = list(KINDS)
    return sorted(found, key=lambda f: (order.index(f.kind), f.source, f.function))


# -- patterns ---------------------------------------------------------------------------------

def _satisfy(condition: object) -> tuple[bool, object]:
    """A value that one element of a pattern's list (or a filter policy's) matches: (True, value) or (False, None)."""
    if isinstance(condition, (str, int, float, bool)) or condition is None:
        return True, condition
    if isinstance(condition, Mapping) and len(condition) == 1:
        (operator, argument), = condition.items()
        if operator == "prefix" and isinstance(argument, str):
            return True, argument + "trig"
        if operator == "suffix" and isinstance(argument, str):
            return True, "trig" + argument
        if operator == "exists" and argument is True:
            return True, "trig"
        if operator == "anything-but":
            excluded = argument if isinstance(argument, list) else [argument]
            numbers = all(isinstance(x, (int, float)) for x in excluded)
            return True, (max(excluded, default=0) + 1) if numbers else "trig-" + "-".join(map(str, excluded))
        if operator == "numeric" and isinstance(argument, list) and len(argument) == 2 and argument[0] in ("=", ">=", "<="):
            return True, argument[1]
        if operator == "equals-ignore-case" and isinstance(argument, str):
            return True, argument
    return False, None


def matching_document(pattern: Mapping) -> dict | None:
    """A document that an EventBridge event pattern or an SNS filter policy matches; None when trig cannot make one
    (`$or`, wildcards, CIDRs, a negated exists, ...)."""
    document: dict = {}
    for key, condition in pattern.items():
        if key.startswith("$"):
            return None
        if isinstance(condition, Mapping):
            nested = matching_document(condition)
            if nested is None:
                return None
            document[key] = nested
            continue
        options = condition if isinstance(condition, list) else [condition]
        for option in options:
            ok, value = _satisfy(option)
            if ok:
                document[key] = value
                break
        else:
            return None
    return document
