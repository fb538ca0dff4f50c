"""The walk-through's triggers on the shared stack, with real Terraform, provider, MiniStack and boto3."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid

from tests.conftest import Trig
from tests.e2e.conftest import ALL_TRIGGERS, SEED_TRIGGERS


def rest_api(trig: Trig, name: str = "API Gateway Test") -> dict:
    apis = [a for a in trig.client("apigateway").get_rest_apis()["items"] if a["name"] == name]
    assert len(apis) == 1, apis
    return apis[0]


def api_get(trig: Trig, query: str) -> tuple[int, str]:
    url = f"{trig.endpoint}/restapis/{rest_api(trig)['id']}/prod/_user_request_/hello?{query}"
    # MiniStack reads the account from the credential scope; the default account needs none, like the walk-through's curl.
    headers = {} if trig.account == "000000000000" else {
        "Authorization": f"AWS4-HMAC-SHA256 Credential={trig.account}/20260101/us-east-1/execute-api/aws4_request"}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
        return response.status, response.read().decode()


def log_messages(trig: Trig, group: str, since_ms: int) -> list[str]:
    """Every message of the group since since_ms, page after page."""
    logs, kwargs, messages = trig.client("logs"), {"logGroupName": group, "startTime": since_ms}, []
    while True:
        page = logs.filter_log_events(**kwargs)
        messages += [e["message"] for e in page["events"]]
        if not page.get("nextToken") or page["nextToken"] == kwargs.get("nextToken"):
            return messages
        kwargs["nextToken"] = page["nextToken"]


def silent_invocations(messages: list[str]) -> int:
    """Invocations (START to END) that logged no line of the function's own."""
    silent, inside, own = 0, False, False
    for message in messages:
        if message.startswith("START RequestId:"):
            inside, own = True, False
        elif message.startswith("END RequestId:"):
            silent += inside and not own
            inside = False
        elif inside and not message.startswith("REPORT RequestId:"):
            own = True
    return silent


def wait_for_log(trig: Trig, group: str, needle: str, since_ms: int, timeout: float = 30) -> list[str]:
    """The group's lines once one carries needle. MiniStack under load can hold a function's output back until
    that worker's next invocation (bench/s3_notification_loss.py): when an invocation logged nothing of its own,
    the function is invoked with an empty event, at most three times, so the engine logs what it holds."""
    deadline = time.monotonic() + timeout
    released = 0
    while True:
        messages = log_messages(trig, group, since_ms)
        if any(needle in m for m in messages):
            return messages
        if time.monotonic() > deadline:
            raise AssertionError(f"{needle!r} not in {group} after {timeout} s ({released} release(s)); "
                                 f"last lines: {messages[-5:]}")
        if released < 3 and silent_invocations(messages) > released:
            released += 1
            trig.client("lambda").invoke(FunctionName=group.rsplit("/", 1)[-1], Payload=b"{}")
        time.sleep(0.5)


FUNCTIONS = {"api": "api-gateway-test", "s3": "s3-trigger-test", "kinesis": "kinesis-trigger-test",
             "sns": "sns-trigger-test", "schedule": "schedule-trigger-test", "dynamodb": "dynamodb-trigger-test",
             "sqs": "sqs-trigger-test"}


def trigger_resources(trig: Trig, name: str) -> list[dict]:
    """The trigger's resources in the state of its place (one state for every trigger in the region and account)."""
    place = f"{trig.account}-us-east-1"
    state = json.loads((trig.home / "terraform" / "state" / place / "terraform.tfstate").read_text())
    return [r for r in state["resources"] if r.get("module", "").startswith(f'module.trigger["{name}"]')]


def test_resources_exist_as_the_walkthrough_names_them(shared_stack):
    trig = shared_stack
    names = {f["FunctionName"] for f in trig.client("lambda").list_functions()["Functions"]}
    assert names == set(FUNCTIONS.values())
    api = rest_api(trig)
    paths = {r["path"] for r in trig.client("apigateway").get_resources(restApiId=api["id"])["items"]}
    assert "/hello" in paths
    assert trig.client("apigateway").get_stage(restApiId=api["id"], stageName="prod")["stageName"] == "prod"
    assert [b["Name"] for b in trig.client("s3").list_buckets()["Buckets"]] == ["test-bucket"]
    config = trig.client("s3").get_bucket_notification_configuration(Bucket="test-bucket")
    assert config["LambdaFunctionConfigurations"][0]["Events"] == ["s3:ObjectCreated:*"]
    stream = trig.client("kinesis").describe_stream(StreamName="lambda-test")["StreamDescription"]
    assert len(stream["Shards"]) == 1
    mappings = trig.client("lambda").list_event_source_mappings(FunctionName="kinesis-trigger-test")["EventSourceMappings"]
    assert [m["EventSourceArn"] for m in mappings] == [stream["StreamARN"]]


def test_walkthrough_curl_answers_hello_lambda(shared_stack):
    assert api_get(shared_stack, "name=lambda") == (200, "hello lambda")


def test_walkthrough_s3_copy_logs_the_banner(shared_stack):
    trig = shared_stack
    start = int(time.time() * 1000) - 1000
    key = f"sample-{uuid.uuid4().hex[:8]}.txt"
    trig.client("s3").put_object(Bucket="test-bucket", Key=key, Body=b"sample")
    lines = wait_for_log(trig, "/aws/lambda/s3-trigger-test", f"key = {key}", start)
    assert "S3 trigger Lambda" in lines


def test_walkthrough_kinesis_put_record_logs_data(shared_stack):
    trig = shared_stack
    start = int(time.time() * 1000) - 1000
    trig.client("kinesis").put_record(StreamName="lambda-test", PartitionKey="123", Data=b"test")
    lines = wait_for_log(trig, "/aws/lambda/kinesis-trigger-test", "Data = test", start)
    assert any(line.endswith("Data = test") for line in lines)


def test_check_confirms_every_applied_trigger(shared_stack):
    result = shared_stack.run("check", "--timeout", "60")
    rows = [line.split() for line in result.stdout.splitlines()[1:] if line and not line.startswith(" ")]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("api", "synchronous", "ok"), ("s3", "asynchronous", "ok"), ("kinesis", "stream", "ok"),
        ("sns", "asynchronous", "ok"), ("schedule", "asynchronous", "ok"), ("dynamodb", "stream", "ok"),
        ("sqs", "poll", "ok")]
    assert all(float(r[3]) < 60 for r in rows)


def test_three_shards_check_every_applied_trigger_once(shared_stack):
    shares = []
    for k in (1, 2, 3):
        checked = shared_stack.run("check", "all", "--shard", f"{k}/3", "--json", "--timeout", "60")
        results = json.loads(checked.stdout)["results"]
        assert all(r["ok"] for r in results), results
        shares.append([r["trigger"] for r in results])
    assert sorted(t for share in shares for t in share) == sorted(ALL_TRIGGERS), shares
    assert all(share for share in shares), shares  # seven triggers over three machines: none idle


def test_status_lists_the_applied_triggers(shared_stack):
    out = shared_stack.run("status").stdout
    assert "health:   healthy" in out
    assert f"applied:  {', '.join(ALL_TRIGGERS)}" in out


def resource_ids(trig: Trig, name: str) -> dict[str, str]:
    return {f"{r.get('module', '')}.{r['type']}.{r['name']}": i["attributes"].get("id")
            for r in trigger_resources(trig, name) if r["mode"] == "managed" for i in r["instances"]}


def test_second_apply_changes_nothing(shared_stack):
    trig = shared_stack
    before = {ws: resource_ids(trig, ws) for ws in ("api", "s3", "kinesis")}
    # --refresh makes Terraform itself compare everything: it must find nothing to do.
    result = trig.run("apply", *SEED_TRIGGERS, "--refresh")
    assert result.stdout.splitlines() == [
        "api: 0 added, 0 changed, 0 destroyed",
        "s3: 0 added, 0 changed, 0 destroyed",
        "kinesis: 0 added, 0 changed, 0 destroyed",
    ]
    assert {ws: resource_ids(trig, ws) for ws in ("api", "s3", "kinesis")} == before
    # Without it, unchanged inputs with resources present skip Terraform altogether.
    skipped = trig.run("apply", *SEED_TRIGGERS).stdout.splitlines()
    assert [line.split(" (")[0] for line in skipped] == [
        "api: 0 added, 0 changed, 0 destroyed",
        "s3: 0 added, 0 changed, 0 destroyed",
        "kinesis: 0 added, 0 changed, 0 destroyed",
    ]
    assert all("Terraform skipped" in line for line in skipped)


# Every type's whole lifecycle in an account of its own: test_lifecycle.
