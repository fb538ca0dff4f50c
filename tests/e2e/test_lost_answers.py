"""A create whose answer the emulator loses: real Terraform, provider and MiniStack, with a proxy losing the answer."""

from __future__ import annotations

import json
import time
import zipfile

from tests.conftest import Trig
from tests.e2e.answer_dropping_proxy import AnswerDroppingProxy

# A create whose answer is lost is noticed once it waits TRIG_STALL_SECONDS plus three times its type's normal
# wait (functions 5 s): 10 instead of the default 30 keeps these tests 20 s shorter each. A create that is
# merely slow and taken for lost is recovered the same way, so these tests still hold on a loaded machine.
STALL = {"TRIG_STALL_SECONDS": "10"}


def test_lost_answers_of_a_create_and_of_a_repair_are_removed_and_made_again_not_failed(make_trig):
    base = make_trig()
    # Also lost: the answer to the API's CreateResource (POST /restapis/{id}/resources/{parent}), which the SDK
    # sends again into a 409 "Another resource with the same parent already has this name", as it did in CI.
    with AnswerDroppingProxy(base.endpoint, "POST", "/2015-03-31/functions", drops=1,
                             also=("POST", "/restapis/", "/resources/")) as proxy:
        trig = Trig(base.home, proxy.endpoint, base.account)  # one endpoint throughout: where trig records the stack
        # The SQS trigger's queue is still being made (25 s after its dead-letter queue's 25 s) when the lost
        # create is noticed: the recovery must not need the queue's ARN, which `terraform import` did.
        applied = trig.run("apply", "api", "sqs", **STALL)
        assert sorted(d.split("/")[1] for d in proxy.dropped) == ["2015-03-31", "restapis"], proxy.dropped
        assert "api: 11 added" in applied.stdout and "sqs: " in applied.stdout, applied.stdout + applied.stderr
        assert "but its answer was lost; removed it, applying again" in applied.stderr, applied.stderr
        assert ".module.function.aws_lambda_function.this (" in applied.stderr, applied.stderr
        assert '.module.api["api"].aws_api_gateway_resource.this (' in applied.stderr, applied.stderr
        apigateway = base.client("apigateway")
        [api] = apigateway.get_rest_apis()["items"]
        assert sorted(r["path"] for r in apigateway.get_resources(restApiId=api["id"])["items"]) == ["/", "/hello"]
        lam = base.client("lambda")
        assert sorted(f["FunctionName"] for f in lam.list_functions()["Functions"]) == ["api-gateway-test",
                                                                                       "sqs-trigger-test"]
        assert len(lam.list_event_source_mappings(FunctionName="sqs-trigger-test")["EventSourceMappings"]) == 1
        assert "0 added, 0 changed, 0 destroyed" in trig.run("apply", "api", "sqs", "--refresh").stdout

        # The wiring's permission deleted behind trig's back, and the answer to its re-creation lost (one stack
        # for both faults: a second apply from scratch would only repeat the first half).
        [statement] = json.loads(lam.get_policy(FunctionName="api-gateway-test")["Policy"])["Statement"]
        lam.remove_permission(FunctionName="api-gateway-test", StatementId=statement["Sid"])
        proxy.path_prefix, proxy.remaining = "/2015-03-31/functions/api-gateway-test/policy", 1
        repaired = trig.run("apply", "api", **STALL)
        assert proxy.dropped[2:] == ["POST /2015-03-31/functions/api-gateway-test/policy"], proxy.dropped
        assert "but its answer was lost; removed it, applying again" in repaired.stderr, repaired.stderr
        [again] = json.loads(lam.get_policy(FunctionName="api-gateway-test")["Policy"])["Statement"]
        assert again["Sid"] == statement["Sid"]
        trig.run("check", "api", "sqs", "--timeout", "60")
        trig.run("destroy", "api", "sqs")
    assert lam.list_functions()["Functions"] == []


def test_a_same_named_function_made_before_the_apply_is_not_adopted(make_trig, tmp_path):
    trig = make_trig()
    archive = tmp_path / "fn.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("handler.py", "def handler(event, context):\n    return 'not trig'\n")
    trig.client("lambda").create_function(
        FunctionName="api-gateway-test", Runtime="python3.12", Handler="handler.handler",
        Role=f"arn:aws:iam::{trig.account}:role/someone-elses", Code={"ZipFile": archive.read_bytes()})
    time.sleep(2)  # well before the apply, whatever the clocks' resolution

    refused = trig.run("apply", "api", expect=1, **STALL)
    lines = refused.stderr.strip().splitlines()
    assert lines[-1].startswith('trig: error: module.trigger["api"].module.function.aws_lambda_function.this '
                                '(api-gateway-test) already exists'), refused.stderr
    assert "made before this apply, so trig does not adopt it" in lines[-1]
    config = trig.client("lambda").get_function(FunctionName="api-gateway-test")["Configuration"]
    assert config["Role"].endswith("role/someone-elses")
