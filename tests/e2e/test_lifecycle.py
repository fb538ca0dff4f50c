"""Every type's whole lifecycle in an account of its own, as a user lives it: one trigger applied, the others
beside it, wiring deleted behind trig's back and repaired, a hostile greeting, check, destroy, nothing left.
Every command runs with real-looking AWS credentials in its environment, which must never be used or shown.
The tests are the steps of one story on one stack, in order; each names the step that broke."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Trig, new_account, tree_snapshot
from tests.e2e.conftest import ALL_TRIGGERS
from tests.e2e.test_core import api_get

CANARY_KEY_ID = "AKIATRIGCANARY000001"
CANARY_SECRET = "trigCanarySecretValueThatMustNeverBePrinted0001"
# A greeting full of what HCL, JSON and shells interpret: it must come back from the API exactly as typed.
HOSTILE_GREETING = 'say "hi" \\ ${var.x} %{ if true }$${y} tab\there é 😀'
# The triggers whose wiring the repair rounds delete, in the registry's order, as trig names them.
REPAIRED = ("s3", "sns", "schedule", "sqs")


class CanaryTrig(Trig):
    """A Trig whose every command sees real-looking credentials, keeping each result to search for them."""

    def __init__(self, home: Path, endpoint: str, account: str, canary_env: dict[str, str]):
        super().__init__(home, endpoint, account)
        self.canary_env = canary_env
        self.results = []
        self.bucket = f"test-bucket-{account}"  # bucket names are global across the emulator's accounts

    def run(self, *args: str, **kwargs):
        result = super().run(*args, **{**self.canary_env, **kwargs})
        self.results.append(result)
        return result


@pytest.fixture(scope="module")
def own(emulator_endpoint, tmp_path_factory) -> CanaryTrig:
    account = new_account()
    base = tmp_path_factory.mktemp(f"lifecycle-{account}")
    aws_dir = base / "user" / ".aws"
    aws_dir.mkdir(parents=True)
    (aws_dir / "credentials").write_text(
        f"[default]\naws_access_key_id = {CANARY_KEY_ID}\naws_secret_access_key = {CANARY_SECRET}\n")
    (aws_dir / "config").write_text("[default]\nregion = eu-west-3\n[profile canary]\nregion = eu-west-3\n")
    real_looking = {"AWS_ACCESS_KEY_ID": CANARY_KEY_ID, "AWS_SECRET_ACCESS_KEY": CANARY_SECRET,
                    "AWS_SESSION_TOKEN": CANARY_SECRET, "AWS_PROFILE": "canary", "AWS_REGION": "eu-west-3",
                    "HOME": str(base / "user")}
    trig = CanaryTrig(base / "trig", emulator_endpoint, account, real_looking)
    yield trig
    trig.run("destroy", "all", expect=None)  # a no-op once the destroy step has passed


def leftovers(trig: Trig) -> dict[str, list]:
    """Whatever of any trigger type the account still holds."""
    lam, sns = trig.client("lambda"), trig.client("sns")
    return {
        "functions": lam.list_functions()["Functions"],
        "mappings": lam.list_event_source_mappings()["EventSourceMappings"],
        "roles": trig.client("iam").list_roles()["Roles"],
        "rest_apis": trig.client("apigateway").get_rest_apis()["items"],
        "buckets": trig.client("s3").list_buckets()["Buckets"],
        "streams": trig.client("kinesis").list_streams()["StreamNames"],
        "topics": sns.list_topics()["Topics"],
        "subscriptions": sns.list_subscriptions()["Subscriptions"],
        "rules": trig.client("events").list_rules()["Rules"],
        "tables": trig.client("dynamodb").list_tables()["TableNames"],
        "queues": trig.client("sqs").list_queues().get("QueueUrls", []),
    }


def states(trig: Trig) -> dict[str, dict]:
    return json.loads(trig.run("status", "--json").stdout)["triggers"]


def test_one_trigger_applied_alone(own):
    assert own.run("apply", "api").stdout.splitlines() == ["api: 11 added, 0 changed, 0 destroyed"]
    assert api_get(own, "name=lambda") == (200, "hello lambda")


def test_the_others_applied_beside_it_leave_its_state_alone(own):
    def api_in_state() -> list:
        state = json.loads((own.home / "terraform" / "state" / f"{own.account}-us-east-1" / "terraform.tfstate").read_text())
        return [r for r in state["resources"] if r.get("module", "").startswith('module.trigger["api"]')]

    api_state = api_in_state()
    own.run("apply", *(name for name in ALL_TRIGGERS if name != "api"), "--set", f"bucket={own.bucket}")
    assert api_in_state() == api_state, "applying the other triggers touched the API's part of the state"
    assert {name: s["state"] for name, s in states(own).items()} == {name: "present" for name in ALL_TRIGGERS}
    # The resources landed in the emulator account given by TRIG_ACCOUNT, in trig's region, not eu-west-3.
    assert own.client("lambda").get_function(FunctionName="api-gateway-test")["Configuration"]["FunctionArn"].startswith(
        f"arn:aws:lambda:us-east-1:{own.account}:")


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
        [("s3", "module.s3[\"s3\"].aws_s3_bucket_notification.this",
          lambda: s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={}),
          lambda: len(notified()) == 1),
         ("sns", "module.sns[\"sns\"].aws_sns_topic_subscription.this",
          lambda: [sns.unsubscribe(SubscriptionArn=arn) for arn in subscriptions()], lambda: len(subscriptions()) == 1),
         ("sqs", "module.sqs[\"sqs\"].aws_lambda_event_source_mapping.this",
          lambda: [lambda_.delete_event_source_mapping(UUID=u) for u in mapping_uuids()], lambda: len(mapping_uuids()) == 1),
         ("schedule", "module.schedule[\"schedule\"].aws_cloudwatch_event_target.this",
          lambda: events.remove_targets(Rule="lambda-test-schedule", Ids=["function"]), lambda: targets() == ["function"])],
        [("s3", "module.s3[\"s3\"].aws_lambda_permission.this",
          lambda: lambda_.remove_permission(FunctionName="s3-trigger-test", StatementId="s3-put-event"),
          lambda: statements("s3-trigger-test") == ["s3-put-event"]),
         ("sns", "module.sns[\"sns\"].aws_lambda_permission.this",
          lambda: lambda_.remove_permission(FunctionName="sns-trigger-test", StatementId="sns-publish"),
          lambda: statements("sns-trigger-test") == ["sns-publish"]),
         ("sqs", "module.sqs[\"sqs\"].aws_iam_role_policy.read_queue",
          lambda: iam.delete_role_policy(RoleName="sqs-trigger-test-role", PolicyName="read-lambda-test-queue"),
          lambda: "read-lambda-test-queue" in role_policies()),
         ("schedule", "module.schedule[\"schedule\"].aws_lambda_permission.this",
          lambda: lambda_.remove_permission(FunctionName="schedule-trigger-test", StatementId="events-rule"),
          lambda: statements("schedule-trigger-test") == ["events-rule"])],
    ]


def test_wiring_deleted_behind_trigs_back_shows_in_status_and_check_and_apply_repairs_it(own):
    for round_ in _rounds(own, own.bucket):
        for _, _, delete, present in round_:
            delete()
            assert not present()
        document = states(own)
        text = own.run("status").stdout
        for name, address, _, _ in round_:
            assert (document[name]["state"], document[name]["missing"]) == ("missing", [address])
            assert f"  {name:<10} applied but missing: {address}" in text.splitlines()

        check = own.run("check", *REPAIRED, expect=1)
        assert check.stderr.strip().endswith(f"`trig apply {' '.join(REPAIRED)}` repairs it."), check.stderr

        # No --refresh: the skip must see the missing wiring. Same inputs as the first apply.
        applied = own.run("apply", *REPAIRED, "--set", f"bucket={own.bucket}")
        for line in applied.stdout.splitlines():
            assert "skipped" not in line and not line.endswith(" 0 added, 0 changed, 0 destroyed"), applied.stdout
        for name, address, _, present in round_:
            assert present(), f"{address} was not repaired"
        assert {s["state"] for s in states(own).values()} == {"present"}

    # Everything present and unchanged: the skip holds again.
    again = own.run("apply", *REPAIRED, "--set", f"bucket={own.bucket}").stdout.splitlines()
    assert len(again) == len(REPAIRED) and all("Terraform skipped" in line for line in again), again


def test_a_hostile_greeting_comes_back_verbatim_from_the_api(own):
    """--set values reach Terraform exactly as typed: rendered, parsed back by Terraform, deployed."""
    changed = own.run("apply", "api", "--set", f"greeting={HOSTILE_GREETING}")
    assert changed.stdout.splitlines() == ["api: 0 added, 1 changed, 0 destroyed"]
    assert api_get(own, "name=lambda") == (200, f"{HOSTILE_GREETING} lambda")
    assert own.client("lambda").get_function_configuration(FunctionName="api-gateway-test")["Environment"][
        "Variables"]["GREETING"] == HOSTILE_GREETING


def test_refresh_repairs_drift_the_presence_check_cannot_see(own):
    """A setting changed behind trig's back (every resource still present): plain apply skips Terraform,
    --refresh plans, finds the change and applies that plan."""
    lam = own.client("lambda")
    lam.update_function_configuration(FunctionName="api-gateway-test", Environment={"Variables": {"GREETING": "drift"}})
    skipped = own.run("apply", "api", "--set", f"greeting={HOSTILE_GREETING}").stdout
    assert "Terraform skipped" in skipped, skipped
    repaired = own.run("apply", "api", "--refresh", "--set", f"greeting={HOSTILE_GREETING}")
    assert repaired.stdout.splitlines() == ["api: 0 added, 1 changed, 0 destroyed"], repaired.stdout + repaired.stderr
    assert lam.get_function_configuration(FunctionName="api-gateway-test")["Environment"]["Variables"][
        "GREETING"] == HOSTILE_GREETING
    again = own.run("apply", "api", "--refresh", "--set", f"greeting={HOSTILE_GREETING}")
    assert again.stdout.splitlines() == ["api: 0 added, 0 changed, 0 destroyed"], again.stdout


def test_check_confirms_every_type(own):
    check = own.run("check", "--timeout", "60")
    rows = [line.split() for line in check.stdout.splitlines()[1:] if line and not line.startswith(" ")]
    assert [(r[0], r[2]) for r in rows] == [(name, "ok") for name in ALL_TRIGGERS], check.stdout


def test_destroy_all_leaves_nothing(own):
    destroyed = own.run("destroy", "all")
    assert f"destroyed: {', '.join(ALL_TRIGGERS)}" in destroyed.stdout, destroyed.stdout
    assert {kind: found for kind, found in leftovers(own).items() if found} == {}
    assert "applied:  none" in own.run("status").stdout


def test_no_real_looking_credential_was_used_or_shown(own):
    assert len(own.results) > 10
    for result in own.results:
        for canary in (CANARY_KEY_ID, CANARY_SECRET):
            assert canary not in result.stdout + result.stderr
    for path, content in tree_snapshot(own.home).items():
        if Path(path).suffix in {".zip"} or "providers" in path:
            continue
        assert CANARY_SECRET.encode() not in content and CANARY_KEY_ID.encode() not in content, path
