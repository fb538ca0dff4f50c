"""apply -> check -> destroy of the three seed triggers with real Terraform, provider, MiniStack and boto3."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid

from tests.conftest import Trig
from tests.e2e.conftest import SEED_TRIGGERS


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


def wait_for_log(trig: Trig, group: str, needle: str, since_ms: int, timeout: float = 30) -> list[str]:
    logs = trig.client("logs")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = [e["message"] for e in logs.filter_log_events(logGroupName=group, startTime=since_ms)["events"]]
        if any(needle in m for m in messages):
            return messages
        time.sleep(0.5)
    raise AssertionError(f"{needle!r} not in {group} after {timeout} s; last lines: {messages[-5:]}")


def workspace_resources(trig: Trig, workspace: str) -> list[dict]:
    state = json.loads((trig.home / "terraform" / "state" / workspace / "terraform.tfstate").read_text())
    return state["resources"]


def test_resources_exist_as_the_walkthrough_names_them(applied_stack):
    trig = applied_stack
    names = {f["FunctionName"] for f in trig.client("lambda").list_functions()["Functions"]}
    assert names == {"api-gateway-test", "s3-trigger-test", "kinesis-trigger-test"}
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


def test_walkthrough_curl_answers_hello_lambda(applied_stack):
    assert api_get(applied_stack, "name=lambda") == (200, "hello lambda")


def test_walkthrough_s3_copy_logs_the_banner(applied_stack):
    trig = applied_stack
    start = int(time.time() * 1000) - 1000
    key = f"sample-{uuid.uuid4().hex[:8]}.txt"
    trig.client("s3").put_object(Bucket="test-bucket", Key=key, Body=b"sample")
    lines = wait_for_log(trig, "/aws/lambda/s3-trigger-test", f"key = {key}", start)
    assert "S3 trigger Lambda" in lines


def test_walkthrough_kinesis_put_record_logs_data(applied_stack):
    trig = applied_stack
    start = int(time.time() * 1000) - 1000
    trig.client("kinesis").put_record(StreamName="lambda-test", PartitionKey="123", Data=b"test")
    lines = wait_for_log(trig, "/aws/lambda/kinesis-trigger-test", "Data = test", start)
    assert any(line.endswith("Data = test") for line in lines)


def test_check_confirms_every_applied_trigger(applied_stack):
    result = applied_stack.run("check", "--timeout", "60")
    rows = [line.split() for line in result.stdout.splitlines()[1:] if line and not line.startswith(" ")]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("api", "synchronous", "ok"), ("s3", "asynchronous", "ok"), ("kinesis", "stream", "ok")]
    assert all(float(r[3]) < 60 for r in rows)


def test_status_lists_the_applied_triggers(applied_stack):
    out = applied_stack.run("status").stdout
    assert "health:   healthy" in out
    assert "applied:  api, s3, kinesis" in out


def resource_ids(trig: Trig, workspace: str) -> dict[str, str]:
    return {f"{r.get('module', '')}.{r['type']}.{r['name']}": i["attributes"].get("id")
            for r in workspace_resources(trig, workspace) if r["mode"] == "managed" for i in r["instances"]}


def test_second_apply_changes_nothing(applied_stack):
    trig = applied_stack
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


def test_lifecycle_in_its_own_account(make_trig):
    """apply api, then s3 and kinesis beside it, change the greeting, check, destroy: nothing left behind."""
    trig = make_trig()
    assert trig.run("apply", "api").stdout.splitlines() == ["api: 11 added, 0 changed, 0 destroyed"]
    api_state_file = trig.home / "terraform" / "state" / "api" / "terraform.tfstate"
    api_state = api_state_file.read_bytes()
    assert api_get(trig, "name=lambda") == (200, "hello lambda")

    # Bucket names are global across accounts, as on AWS: this account needs its own.
    bucket = f"test-bucket-{trig.account}"
    trig.run("apply", "s3", "kinesis", "--set", f"bucket={bucket}")
    assert api_state_file.read_bytes() == api_state, "applying s3 and kinesis touched the API's state"

    changed = trig.run("apply", "api", "--set", "greeting=hi")
    assert changed.stdout.splitlines() == ["api: 0 added, 1 changed, 0 destroyed"]
    assert api_get(trig, "name=lambda") == (200, "hi lambda")
    check = trig.run("check", *SEED_TRIGGERS, "--timeout", "60")
    assert "hi " in check.stdout and check.stdout.count(" ok ") == 3, check.stdout

    destroyed = trig.run("destroy", "all")
    assert "destroyed: api, s3, kinesis" in destroyed.stdout
    assert trig.client("lambda").list_functions()["Functions"] == []
    assert trig.client("s3").list_buckets()["Buckets"] == []
    assert trig.client("kinesis").list_streams()["StreamNames"] == []
    assert trig.client("apigateway").get_rest_apis()["items"] == []
    assert trig.client("lambda").list_event_source_mappings()["EventSourceMappings"] == []
    assert "applied:  none" in trig.run("status").stdout
