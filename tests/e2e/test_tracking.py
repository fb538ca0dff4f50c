"""Nothing lost track of: a trigger stays where its state says it is, and skip and status see every resource."""

from __future__ import annotations

import json

import boto3
from botocore.config import Config

from tests.conftest import Trig, tree_snapshot

REGIONS = ("us-east-1", "eu-west-1")


def client(trig: Trig, service: str, region: str, account: str):
    """A boto3 client of our own for any region and account of the emulator (not trig's factory)."""
    return boto3.client(service, endpoint_url=trig.endpoint, region_name=region, aws_access_key_id=account,
                        aws_secret_access_key="test", config=Config(s3={"addressing_style": "path"}))


def leftovers(trig: Trig, region: str, account: str) -> dict[str, list[str]]:
    return {
        "functions": [f["FunctionName"] for f in client(trig, "lambda", region, account).list_functions()["Functions"]],
        "rest_apis": [a["name"] for a in client(trig, "apigateway", region, account).get_rest_apis()["items"]],
        "roles": [r["RoleName"] for r in client(trig, "iam", region, account).list_roles()["Roles"]],
    }


NOTHING = {"functions": [], "rest_apis": [], "roles": []}


def test_a_trigger_is_never_applied_over_in_another_region_or_account_and_destroy_finds_it(make_trig):
    trig = make_trig()
    first, second = trig.account, make_trig().account
    assert trig.run("apply", "api").stdout.splitlines() == ["api: 11 added, 0 changed, 0 destroyed"]

    before = tree_snapshot(trig.home)
    refused = trig.run("apply", "api", "--region", "eu-west-1", expect=2)
    assert refused.stderr.strip().splitlines()[-1] == (
        f"trig: error: api is applied in us-east-1 for account {first}; run `trig destroy api` first "
        "(it destroys it there), then apply in eu-west-1.")
    assert tree_snapshot(trig.home) == before, "the refused apply wrote something"
    assert leftovers(trig, "eu-west-1", first)["functions"] == []

    # The flags name eu-west-1; the state says us-east-1: destroy goes where the resources are.
    assert trig.run("destroy", "all", "--region", "eu-west-1").stdout.strip() == "destroyed: api"
    assert leftovers(trig, "us-east-1", first) == NOTHING

    assert trig.run("apply", "api", "--region", "eu-west-1", "--account", second).stdout.splitlines() == [
        "api: 11 added, 0 changed, 0 destroyed"]
    refused = trig.run("apply", "api", "--region", "eu-west-1", expect=2)
    assert refused.stderr.strip().splitlines()[-1] == (
        f"trig: error: api is applied in eu-west-1 for account {second}; run `trig destroy api` first "
        f"(it destroys it there), then apply for account {first}.")
    status = json.loads(trig.run("status", "--json").stdout)["triggers"]["api"]
    assert (status["state"], status["region"], status["account"]) == ("present", "eu-west-1", second)
    # check and fire go where the state says, as destroy does, whatever the flags and defaults name.
    assert "api" in trig.run("check", "api").stdout
    assert "HTTP 200" in trig.run("fire", "api", "--query", "name=there", "--region", "us-west-2").stdout

    assert trig.run("destroy", "all").stdout.strip() == "destroyed: api"
    for account in (first, second):
        for region in REGIONS:
            assert leftovers(trig, region, account) == NOTHING, (region, account)
    assert "applied:  none" in trig.run("status").stdout


def test_a_state_left_by_an_emulator_that_is_gone_shows_missing_then_is_forgotten(make_trig, tmp_path_factory):
    """apply on an emulator of this test's own; restarted empty at the same address, status says what is missing;
    once it is gone for good, an apply at the shared emulator says the state was stale and builds everything anew."""
    from orchestrator.emulator import free_port

    trig = make_trig()
    owner = Trig(tmp_path_factory.mktemp("own-emulator"), "", trig.account)
    port = str(free_port())
    own = owner.run("up", "--port", port, timeout=60).stdout.strip().splitlines()[-1]
    try:
        trig.run("apply", "api", TRIG_ENDPOINT=own)
        owner.run("down", timeout=60)
        owner.run("up", "--port", port, timeout=60)
        status = json.loads(trig.run("status", "--json", TRIG_ENDPOINT=own).stdout)["triggers"]["api"]
        assert status["state"] == "missing" and len(status["missing"]) == 11, status
        assert "module.function.aws_lambda_function.this" in status["missing"]
    finally:
        owner.run("down", expect=None, timeout=60)

    # Nothing answers where the state says api is: it is listed, and not claimed present.
    away = trig.run("status", TRIG_ENDPOINT=own).stdout
    assert f"triggers: nothing answers at {own}; what their states record:" in away
    assert f"  api        applied (11 resources in us-east-1 for account {trig.account}), presence unknown: " \
           f"nothing answers at {own}" in away.splitlines(), away
    assert json.loads(trig.run("status", "--json", TRIG_ENDPOINT=own).stdout)["triggers"]["api"]["state"] == "unknown"

    applied = trig.run("apply", "api")
    assert f"records resources at {own}, where nothing answers any more" in applied.stderr
    assert applied.stdout.splitlines() == ["api: 11 added, 0 changed, 0 destroyed"]
    assert "  api        applied and present" in trig.run("status").stdout
    assert trig.run("destroy", "all").stdout.strip() == "destroyed: api"
    assert leftovers(trig, "us-east-1", trig.account) == NOTHING


# Each round deletes one kind of wiring per trigger behind trig's back: (trigger, state address, delete, present).
def _rounds(trig: Trig, bucket: str):
    lambda_, sns, events = trig.client("lambda"), trig.client("sns"), trig.client("events")
    s3, iam = trig.client("s3"), trig.client("iam")

    def mapping_uuids():
        return [m["UUID"] for m in lambda_.list_event_source_mappings(FunctionName="sqs-trigger-test")["EventSourceMappings"]]

    def subscriptions():
        return [s["SubscriptionArn"] for s in sns.list_subscriptions()["Subscriptions"] if s["Protocol"] == "lambda"]

    def statements(function):
        return [s["Sid"] for s in json.loads(lambda_.get_policy(FunctionName=function)["Policy"])["Statement"]]

    def notified():
        return s3.get_bucket_notification_configuration(Bucket=bucket).get("LambdaFunctionConfigurations", [])

    def targets():
        return [t["Id"] for t in events.list_targets_by_rule(Rule="lambda-test-schedule")["Targets"]]

    def role_policies():
        return iam.list_role_policies(RoleName="sqs-trigger-test-role")["PolicyNames"]

    return [
        [("s3", "module.s3[0].aws_s3_bucket_notification.this",
          lambda: s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={}),
          lambda: len(notified()) == 1),
         ("sns", "module.sns[0].aws_sns_topic_subscription.this",
          lambda: [sns.unsubscribe(SubscriptionArn=arn) for arn in subscriptions()], lambda: len(subscriptions()) == 1),
         ("sqs", "module.sqs[0].aws_lambda_event_source_mapping.this",
          lambda: [lambda_.delete_event_source_mapping(UUID=u) for u in mapping_uuids()], lambda: len(mapping_uuids()) == 1),
         ("schedule", "module.schedule[0].aws_cloudwatch_event_target.this",
          lambda: events.remove_targets(Rule="lambda-test-schedule", Ids=["function"]), lambda: targets() == ["function"])],
        [("s3", "module.s3[0].aws_lambda_permission.this",
          lambda: lambda_.remove_permission(FunctionName="s3-trigger-test", StatementId="s3-put-event"),
          lambda: statements("s3-trigger-test") == ["s3-put-event"]),
         ("sns", "module.sns[0].aws_lambda_permission.this",
          lambda: lambda_.remove_permission(FunctionName="sns-trigger-test", StatementId="sns-publish"),
          lambda: statements("sns-trigger-test") == ["sns-publish"]),
         ("sqs", "module.sqs[0].aws_iam_role_policy.read_queue",
          lambda: iam.delete_role_policy(RoleName="sqs-trigger-test-role", PolicyName="read-lambda-test-queue"),
          lambda: "read-lambda-test-queue" in role_policies()),
         ("schedule", "module.schedule[0].aws_lambda_permission.this",
          lambda: lambda_.remove_permission(FunctionName="schedule-trigger-test", StatementId="events-rule"),
          lambda: statements("schedule-trigger-test") == ["events-rule"])],
    ]


def test_wiring_deleted_behind_trigs_back_shows_in_status_and_check_and_apply_repairs_it(make_trig):
    trig = make_trig()
    triggers = ("s3", "sns", "schedule", "sqs")  # in the registry's order, as trig names them
    bucket = f"test-bucket-{trig.account}"
    try:
        trig.run("apply", *triggers, "--set", f"bucket={bucket}")  # bucket names are global across accounts
        states = {name: s["state"] for name, s in json.loads(trig.run("status", "--json").stdout)["triggers"].items()}
        assert states == {"api": "not_applied", "s3": "present", "kinesis": "not_applied", "sns": "present",
                          "schedule": "present", "dynamodb": "not_applied", "sqs": "present"}

        for round_ in _rounds(trig, bucket):
            for _, _, delete, present in round_:
                delete()
                assert not present()
            document = json.loads(trig.run("status", "--json").stdout)["triggers"]
            text = trig.run("status").stdout
            for name, address, _, _ in round_:
                assert (document[name]["state"], document[name]["missing"]) == ("missing", [address])
                assert f"  {name:<10} applied but missing: {address}" in text.splitlines()

            check = trig.run("check", *triggers, expect=1)
            assert check.stderr.strip().endswith(f"`trig apply {' '.join(triggers)}` repairs it."), check.stderr

            # No --refresh: the skip must see the missing wiring. Same inputs as the first apply.
            applied = trig.run("apply", *triggers, "--set", f"bucket={bucket}")
            for line in applied.stdout.splitlines():
                assert "skipped" not in line and not line.endswith(" 0 added, 0 changed, 0 destroyed"), applied.stdout
            for name, address, _, present in round_:
                assert present(), f"{address} was not repaired"
            assert all(s["state"] == "present"
                       for s in json.loads(trig.run("status", "--json").stdout)["triggers"].values()
                       if s["state"] != "not_applied")

        # Everything present and unchanged: the skip holds again.
        again = trig.run("apply", *triggers, "--set", f"bucket={bucket}").stdout.splitlines()
        assert len(again) == len(triggers) and all("Terraform skipped" in line for line in again), again
    finally:
        trig.run("destroy", "all", expect=None)


def test_status_of_a_fresh_account_has_nothing_applied(make_trig):
    trig = make_trig()
    document = json.loads(trig.run("status", "--json").stdout)
    assert document["applied"] == []
    assert {s["state"] for s in document["triggers"].values()} == {"not_applied"}
    assert "applied:  none" in trig.run("status").stdout
