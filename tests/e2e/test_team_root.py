"""A team's own Terraform root, written for real AWS (tests/fixtures/roots/team), run on the emulator with
`--root`: real Terraform, provider, MiniStack and boto3.

The root has no endpoint, a fictitious S3 backend, an aliased provider, `for_each` over nine functions and
every kind of trigger trig discovers; `refunds` raises on every event, `ledger` logs nothing. trig must apply
it in the region the team wrote, find every trigger, pass each correctly wired one, fail the raising one with
its message, skip the hourly schedule, put the functions back as Terraform made them, leave the team's folder
untouched, and destroy all of it.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from tests.conftest import tree_snapshot
from tests.fixtures.roots import ROOTS as FIXTURES, copy_with_zips

pytestmark = pytest.mark.e2e

REGION = "eu-west-1"  # the team's provider region
KINDS = {"rest_api", "http_api", "function_url", "s3", "sns", "eventbridge", "schedule", "sqs", "kinesis", "dynamodb"}


def team_root(folder: Path) -> Path:
    return copy_with_zips("team", folder)


def regional(trig, service: str):
    return boto3.client(service, endpoint_url=trig.endpoint, region_name=REGION, aws_access_key_id=trig.account,
                        aws_secret_access_key="test", config=Config(s3={"addressing_style": "path"}))


def test_a_team_root_is_applied_discovered_checked_and_destroyed(make_trig, tmp_path):
    trig = make_trig()
    root = team_root(tmp_path)
    before = tree_snapshot(root)

    applied = trig.run("apply", "--root", str(root))
    assert applied.stdout.strip() == f"{root}: 53 added, 0 changed, 0 destroyed", applied.stdout
    lam = regional(trig, "lambda")
    names = sorted(f["FunctionName"] for f in lam.list_functions()["Functions"])
    assert len(names) == 9 and all(name.startswith("shop-") for name in names), names
    assert trig.client("lambda").list_functions()["Functions"] == []  # nothing in trig's default region

    status = json.loads(trig.run("status", "--root", str(root), "--json").stdout)
    assert status["applied"] and status["resources"] == 53 and status["account"] == trig.account, status
    assert {t["kind"] for t in status["triggers"]} == KINDS, status["triggers"]

    junit = tmp_path / "reports" / "team.xml"
    checked = trig.run("check", "--root", str(root), "--json", "--junit", str(junit), "--timeout", "60", expect=1)
    results = {r["trigger"]: r for r in json.loads(checked.stdout)["results"]}
    assert set(results) == KINDS, results.keys()
    for kind in KINDS - {"sqs", "schedule"}:
        # A string, so pytest shows the whole row (a dict's repr is cut at 240 characters).
        assert (results[kind]["ok"], results[kind]["outcome"]) == (True, "confirmed"), json.dumps(results[kind])
        assert "received by shop-" in results[kind]["detail"] and "which returned" in results[kind]["detail"]
    assert results["dynamodb"]["function"] == "shop-ledger"  # it logs nothing, and passes
    assert results["rest_api"]["source"] == "aws_api_gateway_integration.get_order"
    assert results["rest_api"]["detail"].startswith('HTTP 200: {"order_id": '), results["rest_api"]
    refunds = results["sqs"]
    assert (refunds["ok"], refunds["outcome"], refunds["function"]) == (False, "function_failed", "shop-refunds")
    assert "which failed: ValueError: refund service unavailable at main.py:2 in handler" in refunds["detail"]
    assert (results["schedule"]["verdict"], results["schedule"]["outcome"]) == ("skipped", "not_fired")
    cases = ET.parse(junit).getroot().findall(".//testcase")
    assert len(cases) == 10
    assert sum(case.find("failure") is not None for case in cases) == 1
    assert sum(case.find("skipped") is not None for case in cases) == 1

    # The check put the functions back as Terraform made them, and removed the object it put in the bucket.
    for name in names:
        configuration = lam.get_function_configuration(FunctionName=name)
        assert configuration["Handler"] in ("main.handler", "index.handler"), configuration
        assert "TRIG_ORIGINAL_HANDLER" not in (configuration.get("Environment") or {}).get("Variables", {})
    assert regional(trig, "s3").list_objects_v2(Bucket=f"shop-uploads-{trig.account}").get("KeyCount") == 0

    fired = trig.run("fire", "--root", str(root), "refunds", expect=1)  # the instance key names the function too
    assert "aws_lambda_event_source_mapping.refunds" in fired.stdout and "FAILED" in fired.stdout, fired.stdout
    logged = trig.run("logs", "--root", str(root), "shop-refunds")
    assert "ValueError: refund service unavailable" in logged.stdout, logged.stdout

    plan = trig.run("plan", "--root", str(root), "--format", "markdown")
    assert plan.stdout.startswith("## trig plan: 1 of 1 root with changes"), plan.stdout
    assert f"### {root}" in plan.stdout and "to add" not in plan.stdout, plan.stdout

    destroyed = trig.run("destroy", "--root", str(root))
    assert destroyed.stdout.strip() == f"{root}: 53 destroyed", destroyed.stdout
    assert lam.list_functions()["Functions"] == []
    assert "root " not in trig.run("status").stdout  # nothing of the root is held any more
    assert tree_snapshot(root) == before  # the team's folder was only read
    assert not (root / ".terraform").exists()


@pytest.mark.parametrize("fixture, says", [
    ("child_provider", "module 'orders_queue' declares its own aws provider (modules/queue/main.tf:"),
    ("missing", "no such folder"),
    ("empty", "holds no .tf file"),
    ("unmapped", "main.tf:1 uses aws_glue_job, which trig cannot map to an emulator service"),
    ("assumes_role", "assumes a role"),
])
def test_a_root_trig_cannot_run_safely_is_refused_in_one_line_before_terraform_runs(make_trig, tmp_path, fixture,
                                                                                   says):
    trig = make_trig()
    root = tmp_path / fixture
    if fixture == "child_provider":
        shutil.copytree(FIXTURES / fixture, root)
    elif fixture == "empty":
        root.mkdir()
    elif fixture == "unmapped":
        root.mkdir()
        (root / "main.tf").write_text('resource "aws_glue_job" "nightly" {\n  name = "nightly"\n}\n')
    elif fixture == "assumes_role":
        root.mkdir()
        (root / "main.tf").write_text('provider "aws" {\n  region = "eu-west-1"\n  assume_role {\n    role_arn = '
                                      '"arn:aws:iam::123456789012:role/deploy"\n  }\n}\n\n'
                                      'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n')
    before = tree_snapshot(root)
    refused = trig.run("apply", "--root", str(root), expect=2)
    assert refused.stdout == ""
    [line] = refused.stderr.strip().splitlines()
    assert line.startswith("trig: error: ") and says in line, line
    assert tree_snapshot(root) == before
    assert not list((trig.home / "roots").glob("*/terraform.tfstate"))


def test_a_root_terraform_cannot_init_fails_in_one_line_with_its_first_error_and_the_kept_log(make_trig, tmp_path):
    trig = make_trig()
    root = tmp_path / "broken"
    root.mkdir()
    (root / "main.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = "q"\n  bogus_block {\n}\n')
    failed = trig.run("apply", "--root", str(root), expect=1)
    assert failed.stdout == ""
    [line] = failed.stderr.strip().splitlines()
    assert line.startswith(f"trig: error: terraform init of {root} failed: "), line
    kept = Path(line.rsplit("Terraform's full output: ", 1)[1].rstrip(")"))
    assert kept.is_file() and "init" in kept.read_text(), line
    assert sorted(p.name for p in root.iterdir()) == ["main.tf"]


def test_run_applies_a_small_root_with_its_variables_and_a_check_fails_only_where_the_wiring_broke(make_trig,
                                                                                                tmp_path):
    trig = make_trig()
    root = copy_with_zips("tiny", tmp_path)
    ran = trig.run("run", "--root", str(root), "--var", "greeting=hi")  # stage comes from the root's stage.auto.tfvars
    lines = ran.stdout.splitlines()
    assert lines[0] == f"{root}: 6 added, 0 changed, 0 destroyed", ran.stdout
    rows = [line.split() for line in lines[2:]]
    assert [(r[0], r[1], r[4]) for r in rows] == [("function_url", "aws_lambda_function_url.hello", "ok"),
                                                  ("s3", "aws_s3_bucket_notification.uploads", "ok")], ran.stdout
    assert "HTTP 200: hi;" in ran.stdout
    lam = boto3.client("lambda", endpoint_url=trig.endpoint, region_name="eu-central-1",
                       aws_access_key_id=trig.account, aws_secret_access_key="test")
    variables = lam.get_function_configuration(FunctionName="tiny-hello")["Environment"]["Variables"]
    assert (variables["GREETING"], variables["STAGE"]) == ("hi", "dev")

    # The bucket's notification removed behind trig's back: only that row fails, saying what the emulator has.
    s3 = boto3.client("s3", endpoint_url=trig.endpoint, region_name="eu-central-1", aws_access_key_id=trig.account,
                      aws_secret_access_key="test", config=Config(s3={"addressing_style": "path"}))
    s3.put_bucket_notification_configuration(Bucket=f"tiny-uploads-{trig.account}", NotificationConfiguration={})
    checked = json.loads(trig.run("check", "--root", str(root), "--json", "--timeout", "5", expect=1).stdout)
    rows = {r["trigger"]: r for r in checked["results"]}
    assert rows["function_url"]["ok"] and rows["s3"]["outcome"] == "not_delivered", rows
    assert f"bucket tiny-uploads-{trig.account} notifies: no function" in rows["s3"]["seen"], rows["s3"]
    trig.run("destroy", "--root", str(root), "--var", "greeting=hi")
