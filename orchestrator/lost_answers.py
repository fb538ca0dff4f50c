"""Creates whose answer was lost: the emulator made the resource, the provider never heard, retried, and got
"already exists". Such a resource is trig's own, so it is removed from the emulator and the apply runs again,
which makes it anew and tracks it, instead of failing.

Why removed rather than imported: `terraform import` reads every data source of the root, and one that
refers to a resource not yet in the state (an SQS trigger's policy reading its queue's ARN while the queue
was still being made) fails the import with "Null value found in list". Removing one resource trig has just
made needs no Terraform run and no evaluation of the configuration.

Only resources that the failed apply itself created are removed: each kind below has a creation time the
emulator reports, and it must be later than the start of that apply. Anything older was made by someone
else, and the apply fails as before, naming it. A Lambda permission and an API Gateway resource (a path of
a REST API) have no time of their own: a permission is removed when its function is trig's (in the same
state, or created by the same apply), a path when its REST API is in the same state.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from botocore.exceptions import BotoCoreError, ClientError
from tenacity import RetryError, Retrying, retry_if_result, stop_after_delay, wait_exponential

from orchestrator.errors import TrigError
from orchestrator.terraform.diagnostics import diagnostic_lines
from orchestrator.terraform.state import resource_type

log = logging.getLogger(__name__)

_ALREADY = re.compile(r"already exists?|AlreadyOwnedByYou|ResourceInUseException|already has this name",
                      re.IGNORECASE)
# "Error: creating Lambda Function (kinesis-trigger-test): ... already exist" then "with module.x.aws_y.this,"
_SUBJECT = re.compile(r"^Error: (?:creating|adding|putting)[^(]*\((?P<id>[^)]+)\)")
# CreateResource names no id: "Error: creating API Gateway Resource: ... ConflictException: Another resource with
# the same parent already has this name: hello". Its id becomes the path part, made whole by with_rest_api.
_PATH_PART = re.compile(r"^Error: creating API Gateway Resource: .*already has this name: (?P<id>\S+)")
_ADDRESS = re.compile(r"^\s*with (?P<address>[\w.\[\]\"-]+),\s*$")


@dataclass(frozen=True)
class LostCreate:
    """One resource Terraform failed to create because it already existed."""

    address: str
    type: str
    import_id: str


def lost_creates(stderr: str) -> list[LostCreate]:
    """Every "already exists" error of a failed apply, with the resource's address and its import id."""
    lines = diagnostic_lines(stderr)
    found = []
    for index, line in enumerate(lines):
        subject = _SUBJECT.match(line) or _PATH_PART.match(line)
        if not subject or not _ALREADY.search(line):
            continue
        for follow in lines[index + 1: index + 8]:
            address = _ADDRESS.match(follow)
            if address:
                kind = resource_type(address.group("address"))
                if kind in CREATED_AT or kind in ADOPTABLE:
                    found.append(LostCreate(address.group("address"), kind, subject.group("id")))
                break
    return found


def _role_created(clients, name: str) -> datetime:
    return clients("iam").get_role(RoleName=name)["Role"]["CreateDate"]


def _function_created(clients, name: str) -> datetime:
    text = clients("lambda").get_function(FunctionName=name)["Configuration"]["LastModified"]
    return datetime.strptime(text.replace("+0000", "+00:00"), "%Y-%m-%dT%H:%M:%S.%f%z")


def _bucket_created(clients, name: str) -> datetime:
    for bucket in clients("s3").list_buckets().get("Buckets", []):
        if bucket["Name"] == name:
            return bucket["CreationDate"]
    raise LookupError(name)


def _stream_created(clients, name: str) -> datetime:
    return clients("kinesis").describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamCreationTimestamp"]


def _table_created(clients, name: str) -> datetime:
    return clients("dynamodb").describe_table(TableName=name)["Table"]["CreationDateTime"]


def _log_group_created(clients, name: str) -> datetime:
    for group in clients("logs").describe_log_groups(logGroupNamePrefix=name).get("logGroups", []):
        if group["logGroupName"] == name:
            return datetime.fromtimestamp(group["creationTime"] / 1000, tz=timezone.utc)
    raise LookupError(name)


# Resource types whose id (import_id) is the name in the provider's error, with how to read their creation time
# (a permission's id is function/statement, a path's REST_API_ID/PATH_PART; see created_since).
ADOPTABLE = {"aws_lambda_permission", "aws_api_gateway_resource"}
CREATED_AT: dict[str, Callable] = {
    "aws_iam_role": _role_created,
    "aws_lambda_function": _function_created,
    "aws_s3_bucket": _bucket_created,
    "aws_kinesis_stream": _stream_created,
    "aws_dynamodb_table": _table_created,
    "aws_cloudwatch_log_group": _log_group_created,
}


def with_rest_api(lost: LostCreate, rest_api_ids: Mapping[str, str]) -> LostCreate:
    """A lost API Gateway resource's id made whole, `REST_API_ID/PATH_PART`, from the REST API of its module in
    the state (rest_api_ids: the ids of the state's REST APIs by address); others, or one whose API is not
    in the state, as they are."""
    if lost.type != "aws_api_gateway_resource" or "/" in lost.import_id:
        return lost
    module = lost.address.rsplit("aws_api_gateway_resource.", 1)[0]
    rest_api = rest_api_ids.get(module + "aws_api_gateway_rest_api.this")
    return LostCreate(lost.address, lost.type, f"{rest_api}/{lost.import_id}") if rest_api else lost


def created_since(clients, lost: LostCreate, started: datetime, own_functions: frozenset[str] = frozenset(),
                  slack_seconds: float = 1.0, own_rest_apis: frozenset[str] = frozenset()) -> bool:
    """True when the resource is this apply's: created after started (minus a little clock slack); for a
    Lambda permission, a statement on one of own_functions (the functions the trigger's state holds); for an
    API Gateway resource, a path of one of own_rest_apis (the REST APIs the state holds)."""
    if lost.type == "aws_lambda_permission":
        function = lost.import_id.split("/", 1)[0]
        return function in own_functions or created_since(
            clients, LostCreate(lost.address, "aws_lambda_function", function), started, own_functions, slack_seconds)
    if lost.type == "aws_api_gateway_resource":
        return lost.import_id.split("/", 1)[0] in own_rest_apis
    try:
        created = CREATED_AT[lost.type](clients, lost.import_id)
    except (ClientError, BotoCoreError, LookupError, KeyError, ValueError) as exc:
        log.debug("could not read when %s was created: %s", lost.address, exc)
        return False
    if created.tzinfo is None:
        created = created.replace(tzinfo=timezone.utc)
    return (created - started).total_seconds() >= -slack_seconds


def _remove_role(clients, name: str) -> None:
    clients("iam").delete_role(RoleName=name)


def _remove_function(clients, name: str) -> None:
    clients("lambda").delete_function(FunctionName=name)


def _remove_permission(clients, import_id: str) -> None:
    function, statement = import_id.split("/", 1)
    name, _, qualifier = function.partition(":")
    clients("lambda").remove_permission(FunctionName=name, StatementId=statement,
                                        **({"Qualifier": qualifier} if qualifier else {}))


def _remove_api_path(clients, import_id: str) -> None:
    rest_api, path_part = import_id.split("/", 1)
    apigateway = clients("apigateway")
    items = apigateway.get_resources(restApiId=rest_api, limit=500)["items"]
    root = next(item["id"] for item in items if item["path"] == "/")
    for item in items:
        if item.get("parentId") == root and item.get("pathPart") == path_part:
            apigateway.delete_resource(restApiId=rest_api, resourceId=item["id"])


def _remove_bucket(clients, name: str) -> None:
    clients("s3").delete_bucket(Bucket=name)


def _remove_stream(clients, name: str) -> None:
    clients("kinesis").delete_stream(StreamName=name, EnforceConsumerDeletion=True)
    _wait_until_gone(lambda: _stream_created(clients, name), f"Kinesis stream {name}")


def _remove_table(clients, name: str) -> None:
    clients("dynamodb").delete_table(TableName=name)
    _wait_until_gone(lambda: _table_created(clients, name), f"DynamoDB table {name}")


def _remove_log_group(clients, name: str) -> None:
    clients("logs").delete_log_group(logGroupName=name)


# How a lost create of each kind is taken away again.
REMOVE: dict[str, Callable] = {
    "aws_iam_role": _remove_role,
    "aws_lambda_function": _remove_function,
    "aws_lambda_permission": _remove_permission,
    "aws_api_gateway_resource": _remove_api_path,
    "aws_s3_bucket": _remove_bucket,
    "aws_kinesis_stream": _remove_stream,
    "aws_dynamodb_table": _remove_table,
    "aws_cloudwatch_log_group": _remove_log_group,
}
# A stream or table is deleted in the background on AWS and LocalStack; the apply that makes it again waits for that.
GONE_WITHIN_SECONDS = 120.0


def _is_there(read: Callable[[], object]) -> bool:
    try:
        read()
    except (ClientError, LookupError):
        return False
    return True


def _wait_until_gone(read: Callable[[], object], what: str) -> None:
    retrying = Retrying(retry=retry_if_result(bool), stop=stop_after_delay(GONE_WITHIN_SECONDS),
                        wait=wait_exponential(multiplier=0.2, max=5))
    try:
        retrying(_is_there, read)
    except RetryError:
        raise TrigError(f"{what} was still being deleted after {GONE_WITHIN_SECONDS:.0f} s: run the same command "
                        "again once it is gone.") from None


def remove_lost_create(clients, lost: LostCreate) -> None:
    """Take a resource this apply made but never heard of out of the emulator again (already gone is fine)."""
    try:
        REMOVE[lost.type](clients, lost.import_id)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("ResourceNotFoundException", "NoSuchEntity",
                                                             "NoSuchBucket", "404"):
            raise TrigError(f"removing {lost.address} ({lost.import_id}), whose create answer was lost, failed: "
                            f"{exc}; delete it by hand, then run the same command again.") from None


def remove_duplicate_mappings(clients, tracked: list[Mapping[str, object]]) -> list[str]:
    """Delete the event source mappings of a tracked mapping's function and source that the state does not hold
    (tracked: the state's mapping attributes); returns their UUIDs.

    A resent CreateEventSourceMapping whose first answer was lost makes a second mapping: MiniStack, unlike
    AWS, does not refuse one for the same function and source. Terraform tracks one of them; the other would
    double every invocation and outlive `trig destroy`. Only mappings of a pair the state holds are touched."""
    lam = clients("lambda")
    own = {str(m.get("uuid") or m.get("id")) for m in tracked}
    removed = []
    for pair in sorted({(str(m.get("function_name")), str(m.get("event_source_arn"))) for m in tracked}):
        function, source = pair
        found = lam.list_event_source_mappings(FunctionName=function, EventSourceArn=source)
        for mapping in found.get("EventSourceMappings", []):
            if mapping["UUID"] not in own:
                lam.delete_event_source_mapping(UUID=mapping["UUID"])
                removed.append(mapping["UUID"])
    return removed
