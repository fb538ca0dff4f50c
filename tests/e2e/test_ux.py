"""--json, --junit, fire, logs, config, engine detection and feedback, on the shared stack and a real MiniStack."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import Trig, as_at_a_terminal
from tests.e2e.conftest import ALL_TRIGGERS
from tests.e2e.test_core import wait_for_log


def table_rows(stdout: str) -> dict[str, str]:
    """TRIGGER -> VERDICT from the check table."""
    return {line.split()[0]: line.split()[2] for line in stdout.splitlines()[1:] if line and not line.startswith(" ")}


def test_check_json_and_junit_agree_with_the_table(shared_stack, tmp_path):
    table = table_rows(shared_stack.run("check").stdout)
    result = shared_stack.run("check", "--json", "--junit", str(tmp_path / "trig.xml"))
    document = json.loads(result.stdout)  # stdout is the document and nothing else
    assert document["mode"] == "wiring" and document["ok"] is True
    assert {r["trigger"]: r["verdict"] for r in document["results"]} == table == {name: "ok" for name in ALL_TRIGGERS}
    suite = ET.parse(tmp_path / "trig.xml").getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == (str(len(ALL_TRIGGERS)), "0")
    assert sorted(c.get("name") for c in suite.iter("testcase")) == sorted(ALL_TRIGGERS)


def test_check_count_json_accounts_for_every_event(shared_stack, tmp_path):
    result = shared_stack.run("check", "api", "kinesis", "--count", "5", "--json", "--junit", str(tmp_path / "load.xml"))
    document = json.loads(result.stdout)
    assert document["mode"] == "load"
    assert [(r["trigger"], r["fired"], r["confirmed"], r["missing"]) for r in document["results"]] == [
        ("api", 5, 5, 0), ("kinesis", 5, 5, 0)]
    assert ET.parse(tmp_path / "load.xml").getroot().find("testsuite").get("tests") == "2"


def test_status_json_names_the_engine_as_its_health_document_does(shared_stack):
    with urllib.request.urlopen(shared_stack.endpoint + "/_ministack/health", timeout=5) as response:
        health = json.loads(response.read())
    document = json.loads(shared_stack.run("status", "--json").stdout)
    assert document["engine"] == {"name": "ministack", "version": health["version"], "edition": health["edition"]}
    assert document["applied"] == list(ALL_TRIGGERS)
    assert document["endpoint_source"] == "env TRIG_ENDPOINT"
    assert f"engine:   MiniStack {health['version']}" in shared_stack.run("status").stdout


def test_status_of_an_endpoint_where_nothing_answers(shared_stack):
    document = json.loads(shared_stack.run("status", "--json", "--endpoint", "http://127.0.0.1:9").stdout)
    assert (document["engine"]["name"], document["healthy"]) == ("none", False)


def test_fire_s3_puts_the_key_and_prints_the_invocation_it_caused(shared_stack):
    key = f"hello-{uuid.uuid4().hex[:8]}.txt"
    out = shared_stack.run("fire", "s3", "--key", key, "--data", "hi there").stdout
    assert f"key: {key}" in out
    request_id = next(line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("request id: "))
    assert request_id
    assert "S3 trigger Lambda" in out and f"bucket = test-bucket key = {key}" in out
    assert "REPORT RequestId:" in out
    body = shared_stack.client("s3").get_object(Bucket="test-bucket", Key=key)["Body"].read()
    assert body == b"hi there"


def test_fire_kinesis_from_a_file_prints_the_sequence_number_and_the_data_line(shared_stack, tmp_path):
    data = f"from-file-{uuid.uuid4().hex[:8]}"
    (tmp_path / "record.txt").write_text(data)
    out = shared_stack.run("fire", "kinesis", "--file", str(tmp_path / "record.txt")).stdout
    sequence = next(line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("sequence number: "))
    kinesis = shared_stack.client("kinesis")
    iterator = kinesis.get_shard_iterator(StreamName="lambda-test", ShardId="shardId-000000000000",
                                          ShardIteratorType="AT_SEQUENCE_NUMBER", StartingSequenceNumber=sequence)["ShardIterator"]
    assert kinesis.get_records(ShardIterator=iterator, Limit=1)["Records"][0]["Data"] == data.encode()
    assert any(line.endswith(f"Data = {data}") for line in out.splitlines()), out


def test_fire_api_prints_status_and_body(shared_stack):
    out = shared_stack.run("fire", "api", "--query", "name=lambda").stdout
    assert out.splitlines()[-2:] == ["HTTP 200", "hello lambda"]


def test_fire_api_refuses_data(shared_stack):
    result = shared_stack.run("fire", "api", "--data", "x", expect=2)
    assert result.stderr.strip() == "trig: error: the api trigger answers GET requests: pass --query NAME=VALUE, not --data, --file or --key."


def test_logs_prints_every_line_the_function_logged(shared_stack):
    start = int(time.time() * 1000) - 1000
    data = f"logs-{uuid.uuid4().hex[:8]}"
    shared_stack.client("kinesis").put_record(StreamName="lambda-test", PartitionKey="1", Data=data.encode())
    wait_for_log(shared_stack, "/aws/lambda/kinesis-trigger-test", f"Data = {data}", start)
    logged = shared_stack.client("logs").filter_log_events(logGroupName="/aws/lambda/kinesis-trigger-test", startTime=start)["events"]
    out = shared_stack.run("logs", "kinesis", "--since", "5m").stdout.splitlines()
    messages = [line.split(" ", 2)[2] for line in out]
    for event in logged:
        assert event["message"].rstrip("\n") in messages
    assert any(m.endswith(f"Data = {data}") for m in messages)


def test_logs_follow_prints_new_lines_until_ctrl_c(shared_stack):
    process = subprocess.Popen([sys.executable, "-m", "orchestrator", "logs", "s3", "--since", "1s", "--follow"],
                               env=shared_stack.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=as_at_a_terminal)
    try:
        time.sleep(3)  # following has started
        key = f"follow-{uuid.uuid4().hex[:8]}.txt"
        shared_stack.client("s3").put_object(Bucket="test-bucket", Key=key, Body=b"x")
        deadline = time.monotonic() + 30
        seen = []
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            seen.append(line)
            if line.rstrip().endswith(f"key = {key}"):
                break
        else:
            pytest.fail(f"no line for {key} while following; saw {seen[-5:]}")
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)  # a loaded emulator can take seconds to answer the last read
    assert process.returncode == 0, err
    assert "Traceback" not in err


def test_plan_json_is_the_only_thing_on_stdout_and_verbose_streams_terraform(shared_stack):
    verbose = shared_stack.run("--verbose", "plan", "api", "--json")
    document = json.loads(verbose.stdout)
    assert [(t["trigger"], t["changes"]) for t in document["triggers"]] == [("api", False)]
    assert "[terraform plan]" in verbose.stderr
    quiet = shared_stack.run("--quiet", "plan", "api", "--json")
    assert json.loads(quiet.stdout) == json.loads(verbose.stdout)
    assert quiet.stderr == ""


def test_config_shows_the_winner_of_each_of_four_sources(make_trig, tmp_path):
    trig: Trig = make_trig()
    mirror = os.environ.get("TRIG_PLUGIN_DIR") or str(tmp_path)
    config = tmp_path / "trig.toml"
    config.write_text(f'region = "eu-west-1"\nterraform_bin = "tofu"\nplugin_dir = "{mirror}"\n'
                      'endpoint = "http://127.0.0.1:1"\n[set]\ngreeting = "hi"\n')
    result = trig.run("config", "--json", "--terraform-bin", "terraform", TRIG_CONFIG=str(config), TRIG_ACCOUNT="",
                      TRIG_REGION="ap-south-1", TRIG_PLUGIN_DIR="")
    document = json.loads(result.stdout)["settings"]
    assert document["terraform_bin"] == {"value": "terraform", "source": "flag"}
    assert document["region"] == {"value": "ap-south-1", "source": "env TRIG_REGION"}
    assert document["endpoint"] == {"value": trig.endpoint, "source": "env TRIG_ENDPOINT"}
    assert document["plugin_dir"] == {"value": str(os.path.realpath(mirror)), "source": f"config {config}"}
    assert document["account"] == {"value": "000000000000", "source": "default"}
    assert json.loads(result.stdout)["set"] == {"greeting": {"value": "hi", "source": f"config {config}"}}
    text = trig.run("config", TRIG_CONFIG=str(config), TRIG_ACCOUNT="", TRIG_ENDPOINT="").stdout
    assert "http://127.0.0.1:1" in text and f"(config {config})" in text


@pytest.mark.skipif(shutil.which("tofu") is None, reason="no `tofu` binary on PATH: OpenTofu support is tested where it is installed")
def test_opentofu_is_recognised_by_its_version_output(shared_stack):
    document = json.loads(shared_stack.run("status", "--json", "--terraform-bin", "tofu").stdout)
    assert document["terraform"].startswith("OpenTofu ")
