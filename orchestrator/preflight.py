"""Before anything is planned: every AWS service the configuration uses must have an endpoint override.

A service without one would be sent to real AWS by the provider, so trig refuses to run
Terraform at all. The scan is static (the .tf files of the root and of every local module
it calls), so nothing is contacted to find out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from orchestrator.errors import UsageError

# Data sources computed by the provider itself, with no API call.
_LOCAL_DATA_SOURCES = {"aws_iam_policy_document", "aws_partition", "aws_region", "aws_arn", "aws_default_tags"}

# Resource type prefix -> endpoint key of the provider's endpoints block; longest prefix wins.
_SERVICE_BY_PREFIX = {
    "aws_api_gateway_": "apigateway",
    "aws_apigatewayv2_": "apigatewayv2",
    "aws_caller_identity": "sts",
    "aws_cloudwatch_event_": "events",
    "aws_cloudwatch_log_": "logs",
    "aws_cloudwatch_metric_alarm": "cloudwatch",
    "aws_dynamodb_": "dynamodb",
    "aws_iam_": "iam",
    "aws_kinesis_": "kinesis",
    "aws_lambda_": "lambda",
    "aws_s3_": "s3",
    "aws_scheduler_": "scheduler",
    "aws_sns_": "sns",
    "aws_sqs_": "sqs",
    "aws_ssm_": "ssm",
    "aws_secretsmanager_": "secretsmanager",
    "aws_kms_": "kms",
}

_BLOCK = re.compile(r'^\s*(resource|data)\s+"(aws_[a-z0-9_]+)"', re.MULTILINE)
_MODULE_SOURCE = re.compile(r'^\s*source\s*=\s*"(\.{1,2}/[^"]+)"', re.MULTILINE)
_ENDPOINTS_BLOCK = re.compile(r"^\s*endpoints\s*\{(.*?)^\s*\}", re.MULTILINE | re.DOTALL)
_ENDPOINT_KEY = re.compile(r"^\s*([a-z0-9]+)\s*=", re.MULTILINE)


@dataclass(frozen=True)
class ServiceUse:
    resource_type: str
    service: str | None
    file: Path


def service_of(resource_type: str, kind: str = "resource") -> str | None:
    """The endpoint key a resource or data source type talks to; None for provider-local data sources."""
    if kind == "data" and resource_type in _LOCAL_DATA_SOURCES:
        return None
    matches = [p for p in _SERVICE_BY_PREFIX if resource_type.startswith(p)]
    if not matches:
        raise UsageError(
            f"cannot tell which AWS service {resource_type} uses: add its prefix to orchestrator/preflight.py "
            "and its endpoint to the provider, so it cannot reach real AWS.")
    return _SERVICE_BY_PREFIX[max(matches, key=len)]


def configuration_files(root: Path) -> list[Path]:
    """The .tf files of root and of every local module it calls, transitively."""
    seen: set[Path] = set()
    pending = [root.resolve()]
    files: list[Path] = []
    while pending:
        folder = pending.pop()
        if folder in seen:
            continue
        seen.add(folder)
        for path in sorted(folder.glob("*.tf")):
            files.append(path)
            pending.extend((folder / source).resolve() for source in _MODULE_SOURCE.findall(path.read_text()))
    return files


def services_used(root: Path) -> list[ServiceUse]:
    uses = []
    for path in configuration_files(root):
        for kind, resource_type in _BLOCK.findall(path.read_text()):
            uses.append(ServiceUse(resource_type, service_of(resource_type, kind), path))
    return uses


def endpoint_overrides(root: Path) -> set[str]:
    """The service keys of the endpoints blocks in the root's own .tf files."""
    keys: set[str] = set()
    for path in sorted(root.glob("*.tf")):
        for block in _ENDPOINTS_BLOCK.findall(path.read_text()):
            keys.update(_ENDPOINT_KEY.findall(block))
    return keys


def check_endpoint_coverage(root: Path) -> set[str]:
    """Refuse, naming the file and service, when a used service has no endpoint override; return the services used."""
    overrides = endpoint_overrides(root)
    # The provider asks STS for the account id to enforce allowed_account_ids.
    needed = {"sts"}
    for use in services_used(root):
        if use.service is None:
            continue
        needed.add(use.service)
        if use.service not in overrides:
            raise UsageError(
                f"refusing to run Terraform: {_relative(use.file, root)} uses {use.resource_type} (service {use.service}), "
                f"which has no endpoint override and would reach real AWS; add `{use.service} = var.endpoint` "
                "to the endpoints block in providers.tf.")
    if "sts" not in overrides:
        raise UsageError("refusing to run Terraform: the provider has no sts endpoint override and would ask real AWS "
                         "for the account; add `sts = var.endpoint` to the endpoints block in providers.tf.")
    return needed


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent.parent.parent))
    except ValueError:
        return str(path)
