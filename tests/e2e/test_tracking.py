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


# Wiring deleted behind trig's back, shown by status and check and repaired by apply: test_lifecycle.


def test_status_of_a_fresh_account_has_nothing_applied(make_trig):
    trig = make_trig()
    document = json.loads(trig.run("status", "--json").stdout)
    assert document["applied"] == []
    assert {s["state"] for s in document["triggers"].values()} == {"not_applied"}
    assert "applied:  none" in trig.run("status").stdout
