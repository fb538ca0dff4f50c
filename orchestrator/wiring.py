"""Whether every resource of a trigger's Terraform state still exists in the emulator, asked through its AWS API.

One small check per resource type: it gets a client factory and the resource's attributes
as the state holds them, and answers True (there), False (gone) or raises (cannot tell).
A type without a check here counts as present, since nothing can be asked about it, and is
logged; tests/unit/test_wiring.py fails when a module under terraform/ uses such a type.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from orchestrator.errors import TrigError
from orchestrator.terraform.state import StateResource

log = logging.getLogger(__name__)

Clients = Callable[[str], Any]
Attributes = Mapping[str, Any]

_NOT_FOUND = "ResourceNotFoundException"
_APIGATEWAY_NOT_FOUND = ("NotFoundException", "404")
_IAM_NOT_FOUND = "NoSuchEntity"
_SNS_NOT_FOUND = ("NotFound", "NotFoundException", "404")
_S3_NOT_FOUND = ("404", "NoSuchBucket", "NotFound")
_SQS_NOT_FOUND = ("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist")


class PresenceCheckError(TrigError):
    """The emulator answered a resource's existence check with something other than found or not found."""

    def __init__(self, message: str, *, address: str):
        super().__init__(message)
        self.address = address


@dataclass(frozen=True)
class Presence:
    """What a check of a state's resources found: the addresses gone from the emulator, and those not checkable."""

    missing: tuple[str, ...]
    unchecked: tuple[str, ...]
    checked: int

    @property
    def complete(self) -> bool:
        return not self.missing


def _code(exc: ClientError) -> str:
    return exc.response.get("Error", {}).get("Code", "")


def answers(call: Callable[[], Any], *missing_codes: str) -> bool:
    """True when call() succeeds, False when the service answers one of missing_codes; any other error raises."""
    try:
        call()
    except ClientError as exc:
        if _code(exc) in missing_codes:
            return False
        raise
    return True


def _qualified(attributes: Attributes, **kwargs: Any) -> dict[str, Any]:
    """Lambda's FunctionName plus the Qualifier when the resource names one (an alias or version)."""
    if attributes.get("qualifier"):
        kwargs["Qualifier"] = attributes["qualifier"]
    return kwargs


def _on_bus(attributes: Attributes, **kwargs: Any) -> dict[str, Any]:
    bus = attributes.get("event_bus_name")
    if bus and bus != "default":
        kwargs["EventBusName"] = bus
    return kwargs


# -- Lambda -------------------------------------------------------------------------------

def _lambda_function(clients: Clients, a: Attributes) -> bool:
    return answers(lambda: clients("lambda").get_function(FunctionName=a["function_name"]), _NOT_FOUND)


def _lambda_permission(clients: Clients, a: Attributes) -> bool:
    try:
        policy = clients("lambda").get_policy(**_qualified(a, FunctionName=a["function_name"])).get("Policy") or "{}"
    except ClientError as exc:
        if _code(exc) == _NOT_FOUND:  # no function, or a function without a policy
            return False
        raise
    return any(statement.get("Sid") == a["statement_id"] for statement in json.loads(policy).get("Statement", []))


def _event_source_mapping(clients: Clients, a: Attributes) -> bool:
    return answers(lambda: clients("lambda").get_event_source_mapping(UUID=a.get("uuid") or a["id"]), _NOT_FOUND)


def _event_invoke_config(clients: Clients, a: Attributes) -> bool:
    return answers(lambda: clients("lambda").get_function_event_invoke_config(
        **_qualified(a, FunctionName=a["function_name"])), _NOT_FOUND)


# -- IAM and CloudWatch Logs ------------------------------------------------------------------

def _iam_role(clients: Clients, a: Attributes) -> bool:
    return answers(lambda: clients("iam").get_role(RoleName=a["name"]), _IAM_NOT_FOUND)


def _iam_role_policy(clients: Clients, a: Attributes) -> bool:
    return answers(lambda: clients("iam").get_role_policy(RoleName=a["role"], PolicyName=a["name"]), _IAM_NOT_FOUND)


def _iam_role_policy_attachment(clients: Clients, a: Attributes) -> bool:
    try:
        attached = clients("iam").list_attached_role_policies(RoleName=a["role"])["AttachedPolicies"]
    except ClientError as exc:
        if _code(exc) == _IAM_NOT_FOUND:
            return False
        raise
    return any(policy.get("PolicyArn") == a["policy_arn"] for policy in attached)


def _log_group(clients: Clients, a: Attributes) -> bool:
    groups = clients("logs").describe_log_groups(logGroupNamePrefix=a["name"])["logGroups"]
    return any(group.get("logGroupName") == a["name"] for group in groups)


# -- API Gateway (REST) -----------------------------------------------------------------------

def _rest_api(clients: Clients, a: Attributes) -> bool:
    return answers(lambda: clients("apigateway").get_rest_api(restApiId=a["id"]), *_APIGATEWAY_NOT_FOUND)


def _api_resource(clients: Clients, a: Attributes) -> bool:
    return answers(lambda: clients("apigateway").get_resource(restApiId=a["rest_api_id"], resourceId=a["id"]),
                   *_APIGATEWAY_NOT_FOUND)


def _api_method(clients: Clients, a: Attributes) -> bool:
    return answers(lambda: clients("apigateway").get_method(
        restApiId=a["rest_api_id"], resourceId=a["resource_id"], httpMethod=a["http_method"]), *_APIGATEWAY_NOT_FOUND)


def _api_integration(clients: Clients, a: Attributes) -> bool:
    return answers(lambda: clients("apigateway").get_integration(
        restApiId=a["rest_api_id"], resourceId=a["resource_id"], httpMethod=a["http_method"]), *_APIGATEWAY_NOT_FOUND)


def _api_deployment(clients: Clients, a: Attributes) -> bool:
    return answers(lambda: clients("apigateway").get_deployment(restApiId=a["rest_api_id"], deploymentId=a["id"]),
                   *_APIGATEWAY_NOT_FOUND)


def _api_stage(clients: Clients, a: Attributes) -> bool:
    return answers(lambda: clients("apigateway").get_stage(restApiId=a["rest_api_id"], stageName=a["stage_name"]),
                   *_APIGATEWAY_NOT_FOUND)


# -- Event sources --------------------------------------------------------------------------

def _s3_bucket(clients: Clients, a: Attributes) -> bool:
    return answers(lambda: clients("s3").head_bucket(Bucket=a["bucket"]), *_S3_NOT_FOUND)


# (attribute block in the state, list in GetBucketNotificationConfiguration, ARN key in each)
_NOTIFICATION_TARGETS = (
    ("lambda_function", "LambdaFunctionConfigurations", "lambda_function_arn", "LambdaFunctionArn"),
    ("queue", "QueueConfigurations", "queue_arn", "QueueArn"),
    ("topic", "TopicConfigurations", "topic_arn", "TopicArn"),
)


def _s3_bucket_notification(clients: Clients, a: Attributes) -> bool:
    """Present when the bucket still notifies every target the state names (an emptied configuration is gone)."""
    try:
        config = clients("s3").get_bucket_notification_configuration(Bucket=a["bucket"])
    except ClientError as exc:
        if _code(exc) in _S3_NOT_FOUND:
            return False
        raise
    for block, listed, state_key, api_key in _NOTIFICATION_TARGETS:
        notified = {entry.get(api_key) for entry in config.get(listed, [])}
        if any(wanted.get(state_key) not in notified for wanted in a.get(block) or []):
            return False
    return True


def _sns_topic(clients: Clients, a: Attributes) -> bool:
    return answers(lambda: clients("sns").get_topic_attributes(TopicArn=a["arn"]), *_SNS_NOT_FOUND)


def _sns_subscription(clients: Clients, a: Attributes) -> bool:
    return answers(lambda: clients("sns").get_subscription_attributes(SubscriptionArn=a["arn"]), *_SNS_NOT_FOUND)


def _event_rule(clients: Clients, a: Attributes) -> bool:
    return answers(lambda: clients("events").describe_rule(**_on_bus(a, Name=a["name"])), _NOT_FOUND)


def _event_target(clients: Clients, a: Attributes) -> bool:
    try:
        targets = clients("events").list_targets_by_rule(**_on_bus(a, Rule=a["rule"]))["Targets"]
    except ClientError as exc:
        if _code(exc) == _NOT_FOUND:
            return False
        raise
    return any(target.get("Id") == a["target_id"] for target in targets)


def _sqs_queue(clients: Clients, a: Attributes) -> bool:
    return answers(lambda: clients("sqs").get_queue_url(QueueName=a["name"]), *_SQS_NOT_FOUND)


def _kinesis_stream(clients: Clients, a: Attributes) -> bool:
    return answers(lambda: clients("kinesis").describe_stream_summary(StreamName=a["name"]), _NOT_FOUND)


def _dynamodb_table(clients: Clients, a: Attributes) -> bool:
    return answers(lambda: clients("dynamodb").describe_table(TableName=a["name"]), _NOT_FOUND)


EXISTENCE_CHECKS: dict[str, Callable[[Clients, Attributes], bool]] = {
    "aws_lambda_function": _lambda_function,
    "aws_lambda_permission": _lambda_permission,
    "aws_lambda_event_source_mapping": _event_source_mapping,
    "aws_lambda_function_event_invoke_config": _event_invoke_config,
    "aws_iam_role": _iam_role,
    "aws_iam_role_policy": _iam_role_policy,
    "aws_iam_role_policy_attachment": _iam_role_policy_attachment,
    "aws_cloudwatch_log_group": _log_group,
    "aws_api_gateway_rest_api": _rest_api,
    "aws_api_gateway_resource": _api_resource,
    "aws_api_gateway_method": _api_method,
    "aws_api_gateway_integration": _api_integration,
    "aws_api_gateway_deployment": _api_deployment,
    "aws_api_gateway_stage": _api_stage,
    "aws_s3_bucket": _s3_bucket,
    "aws_s3_bucket_notification": _s3_bucket_notification,
    "aws_sns_topic": _sns_topic,
    "aws_sns_topic_subscription": _sns_subscription,
    "aws_cloudwatch_event_rule": _event_rule,
    "aws_cloudwatch_event_target": _event_target,
    "aws_sqs_queue": _sqs_queue,
    "aws_kinesis_stream": _kinesis_stream,
    "aws_dynamodb_table": _dynamodb_table,
}


def find_missing(resources: Iterable[StateResource], clients: Clients) -> Presence:
    """Ask the emulator about every resource; raises PresenceCheckError when one cannot be told either way."""
    missing, unchecked, checked = [], [], 0
    for resource in resources:
        exists = EXISTENCE_CHECKS.get(resource.type)
        if exists is None:
            unchecked.append(resource.address)
            continue
        try:
            if not exists(clients, resource.attributes):
                missing.append(resource.address)
            checked += 1
        except KeyError as exc:  # a state written by another provider version may name things differently
            log.debug("cannot check %s: its state has no %s attribute", resource.address, exc)
            unchecked.append(resource.address)
        except (ClientError, BotoCoreError) as exc:
            raise PresenceCheckError(f"could not tell whether {resource.address} exists: {exc}",
                                     address=resource.address) from None
    if unchecked:
        log.debug("counted as present without a check (no check for their type): %s", ", ".join(unchecked))
    return Presence(tuple(missing), tuple(unchecked), checked)
