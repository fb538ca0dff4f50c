import json
import logging
import re
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from orchestrator import wiring
from orchestrator.terraform.state import StateResource

TERRAFORM = Path(__file__).resolve().parents[2] / "terraform"


def not_found(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "gone"}}, "Call")


class FakeService:
    """A boto3 client stand-in: each method answers what it was given, or raises it when it is an exception."""

    def __init__(self, **answers):
        self.answers = answers

    def __getattr__(self, name):
        answer = self.answers[name]

        def call(**kwargs):
            if isinstance(answer, Exception):
                raise answer
            return answer

        return call


def clients(**services):
    return lambda service: services[service]


def resource(kind: str, **attributes) -> StateResource:
    return StateResource(f"module.x.{kind}.this", kind, attributes)


def test_every_resource_type_the_modules_declare_has_an_existence_check():
    declared = {m.group(1) for path in TERRAFORM.rglob("*.tf") if ".terraform" not in path.parts
                for m in re.finditer(r'^resource\s+"([a-z0-9_]+)"', path.read_text(), re.MULTILINE)}
    assert declared, "no resource found under terraform/"
    assert sorted(declared - set(wiring.EXISTENCE_CHECKS)) == []


def test_present_missing_and_unchecked_are_told_apart(caplog):
    lambda_ = FakeService(get_function={}, get_event_source_mapping=not_found("ResourceNotFoundException"))
    resources = [resource("aws_lambda_function", function_name="f"),
                 resource("aws_lambda_event_source_mapping", uuid="u", id="u"),
                 resource("aws_made_up_thing", id="x")]
    with caplog.at_level(logging.DEBUG, logger="orchestrator.wiring"):
        presence = wiring.find_missing(resources, clients(**{"lambda": lambda_}))
    assert presence.missing == ("module.x.aws_lambda_event_source_mapping.this",)
    assert presence.unchecked == ("module.x.aws_made_up_thing.this",)
    assert (presence.checked, presence.complete) == (2, False)
    assert "module.x.aws_made_up_thing.this" in caplog.text


def test_an_answer_that_is_neither_found_nor_not_found_is_an_error_naming_the_resource():
    iam = FakeService(get_role=not_found("AccessDenied"))
    with pytest.raises(wiring.PresenceCheckError) as failed:
        wiring.find_missing([resource("aws_iam_role", name="r")], clients(iam=iam))
    assert failed.value.address == "module.x.aws_iam_role.this"
    assert "could not tell whether module.x.aws_iam_role.this exists" in str(failed.value)


def test_a_permission_is_missing_when_its_statement_left_the_policy():
    policy = {"Policy": json.dumps({"Statement": [{"Sid": "other"}]})}
    permission = resource("aws_lambda_permission", function_name="f", statement_id="s3-put-event", qualifier="")
    assert wiring.find_missing([permission], clients(**{"lambda": FakeService(get_policy=policy)})).missing
    policy = {"Policy": json.dumps({"Statement": [{"Sid": "s3-put-event"}]})}
    assert wiring.find_missing([permission], clients(**{"lambda": FakeService(get_policy=policy)})).complete
    no_policy = FakeService(get_policy=not_found("ResourceNotFoundException"))
    assert wiring.find_missing([permission], clients(**{"lambda": no_policy})).missing


def test_a_bucket_notification_is_missing_when_it_no_longer_names_the_function():
    notification = resource("aws_s3_bucket_notification", bucket="b",
                            lambda_function=[{"lambda_function_arn": "arn:f", "events": ["s3:ObjectCreated:*"]}])
    emptied = FakeService(get_bucket_notification_configuration={})
    assert wiring.find_missing([notification], clients(s3=emptied)).missing
    kept = FakeService(get_bucket_notification_configuration={"LambdaFunctionConfigurations": [{"LambdaFunctionArn": "arn:f"}]})
    assert wiring.find_missing([notification], clients(s3=kept)).complete
    gone = FakeService(get_bucket_notification_configuration=not_found("NoSuchBucket"))
    assert wiring.find_missing([notification], clients(s3=gone)).missing


def test_a_rule_target_is_missing_when_the_rule_lists_another_id():
    target = resource("aws_cloudwatch_event_target", rule="r", target_id="function", event_bus_name="default")
    assert wiring.find_missing([target], clients(events=FakeService(list_targets_by_rule={"Targets": []}))).missing
    listed = FakeService(list_targets_by_rule={"Targets": [{"Id": "function"}]})
    assert wiring.find_missing([target], clients(events=listed)).complete


def test_a_state_lacking_an_attribute_a_check_needs_counts_as_unchecked():
    presence = wiring.find_missing([resource("aws_sqs_queue", url="http://x/q")], clients())
    assert presence.unchecked == ("module.x.aws_sqs_queue.this",) and presence.complete
