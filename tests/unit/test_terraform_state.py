import dataclasses
import json

import pytest

from orchestrator.errors import TrigError
from orchestrator.terraform.state import (
    OutputNotFound, Outputs, State, managed_resources, resource_type, state_path, workspace_resources,
)

STATE = {
    "version": 4,
    "outputs": {
        "function_name": {"value": "kinesis-trigger-test", "type": "string"},
        "log_group_name": {"value": "/aws/lambda/kinesis-trigger-test", "type": "string"},
        "kinesis": {"value": {"stream_name": "trig-stream", "event_source_mapping_uuid": "u-1",
                              "on_failure_queue_url": None, "shards": ["a", "b"]},
                    "type": ["object", {}]},
        "s3": {"value": None, "type": ["object", {}]},
    },
    "resources": [
        {"mode": "data", "type": "aws_caller_identity", "name": "current", "module": "module.s3[0]",
         "instances": [{"attributes": {"account_id": "000000000000"}}]},
        {"mode": "managed", "type": "aws_s3_bucket", "name": "this", "module": "module.s3[0]",
         "instances": [{"attributes": {"bucket": "b", "tags": {"a": "1"}}}]},
        {"mode": "managed", "type": "aws_sqs_queue", "name": "this",
         "module": "module.s3[0].module.async_invocation.module.on_failure[0]",
         "instances": [{"index_key": 0, "attributes": {"name": "q"}}, {"index_key": "k", "attributes": {"name": "r"}}]},
        {"mode": "managed", "type": "aws_iam_role", "name": "this", "instances": [{"attributes": {"name": "role"}}]},
    ],
}


def test_managed_instances_carry_terraform_addresses_and_data_sources_are_left_out():
    resources = managed_resources(STATE)
    assert [r.address for r in resources] == [
        "module.s3[0].aws_s3_bucket.this",
        "module.s3[0].module.async_invocation.module.on_failure[0].aws_sqs_queue.this[0]",
        'module.s3[0].module.async_invocation.module.on_failure[0].aws_sqs_queue.this["k"]',
        "aws_iam_role.this",
    ]
    assert resources[0].type == "aws_s3_bucket" and resources[0].attributes == {"bucket": "b", "tags": {"a": "1"}}


def test_workspace_resources_tells_no_state_from_an_unreadable_one(tmp_path):
    assert workspace_resources(tmp_path, "api") == []
    path = state_path(tmp_path, "api")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 3, "modules": []}))
    assert workspace_resources(tmp_path, "api") is None
    path.write_text(json.dumps({"version": 4, "resources": []}))
    assert workspace_resources(tmp_path, "api") == []
    path.write_text(json.dumps(STATE))
    assert len(workspace_resources(tmp_path, "api")) == 4


def test_resource_type_reads_the_type_out_of_any_address():
    assert resource_type('module.s3[0].module.q.aws_sqs_queue.this["k"]') == "aws_sqs_queue"
    assert resource_type("aws_iam_role.this") == "aws_iam_role"
    assert resource_type("this") == ""


def test_a_state_is_parsed_once_into_resources_and_outputs(tmp_path):
    path = tmp_path / "terraform.tfstate"
    path.write_text(json.dumps(STATE))
    state = State.read(path)
    assert [r.type for r in state.resources] == ["aws_s3_bucket", "aws_sqs_queue", "aws_sqs_queue", "aws_iam_role"]
    assert state.outputs.of("kinesis", "stream_name") == "trig-stream"
    assert state.outputs.function_name == "kinesis-trigger-test"
    assert state.outputs.log_group_name == "/aws/lambda/kinesis-trigger-test"
    path.write_text(json.dumps({"version": 3}))
    assert State.read(path) is None
    assert State.read(tmp_path / "absent.tfstate") is None


def test_outputs_read_by_name_and_key_like_the_plain_values():
    outputs = Outputs.from_state(STATE)
    assert outputs.of("function_name") == outputs["function_name"] == "kinesis-trigger-test"
    assert outputs.of("kinesis", "on_failure_queue_url") is None  # present, but null
    assert outputs.of("kinesis", "shards") == ("a", "b")
    assert outputs == {name: item["value"] for name, item in STATE["outputs"].items()} | {
        "kinesis": {**STATE["outputs"]["kinesis"]["value"], "shards": ("a", "b")}}
    assert sorted(outputs) == ["function_name", "kinesis", "log_group_name", "s3"]
    assert outputs and not Outputs() and len(Outputs()) == 0


def test_a_missing_output_is_a_typed_error_naming_what_there_is():
    outputs = Outputs.from_state(STATE)
    with pytest.raises(OutputNotFound) as missing:
        outputs.of("kinesis", "stream_arn")
    assert isinstance(missing.value, TrigError) and isinstance(missing.value, KeyError)
    assert str(missing.value).startswith("the applied outputs have no kinesis.stream_arn (they have "
                                         "event_source_mapping_uuid, on_failure_queue_url, shards, stream_name)")
    with pytest.raises(OutputNotFound, match="no s3.bucket_name"):
        outputs.of("s3", "bucket_name")  # the s3 output is null: this stack has no bucket
    with pytest.raises(KeyError):
        outputs.of("api")
    assert outputs.of("s3", "bucket_name", default=None) is None
    assert outputs.of("api", default="none") == "none"


def test_outputs_and_state_resources_are_read_only():
    outputs = Outputs.from_state(STATE)
    with pytest.raises(TypeError):
        outputs["kinesis"]["stream_name"] = "other"  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        outputs.values = {}  # type: ignore[misc]
    [bucket, *_] = State.parse(STATE).resources
    with pytest.raises(TypeError):
        bucket.attributes["tags"]["a"] = "2"  # type: ignore[index]
    assert STATE["resources"][1]["instances"][0]["attributes"]["tags"] == {"a": "1"}


def test_outputs_from_terraform_output_json():
    printed = json.dumps({"api": {"value": {"rest_api_id": "r1", "stage_name": "test", "path": "trig"},
                                  "type": ["object", {}], "sensitive": False}})
    assert Outputs.from_output_json(printed).of("api", "rest_api_id") == "r1"
    assert not Outputs.from_output_json("")
