import json

from orchestrator import tfstate

STATE = {
    "version": 4,
    "resources": [
        {"mode": "data", "type": "aws_caller_identity", "name": "current", "module": "module.s3[0]",
         "instances": [{"attributes": {"account_id": "000000000000"}}]},
        {"mode": "managed", "type": "aws_s3_bucket", "name": "this", "module": "module.s3[0]",
         "instances": [{"attributes": {"bucket": "b"}}]},
        {"mode": "managed", "type": "aws_sqs_queue", "name": "this",
         "module": "module.s3[0].module.async_invocation.module.on_failure[0]",
         "instances": [{"index_key": 0, "attributes": {"name": "q"}}, {"index_key": "k", "attributes": {"name": "r"}}]},
        {"mode": "managed", "type": "aws_iam_role", "name": "this", "instances": [{"attributes": {"name": "role"}}]},
    ],
}


def test_managed_instances_carry_terraform_addresses_and_data_sources_are_left_out():
    resources = tfstate.managed_resources(STATE)
    assert [r.address for r in resources] == [
        "module.s3[0].aws_s3_bucket.this",
        "module.s3[0].module.async_invocation.module.on_failure[0].aws_sqs_queue.this[0]",
        'module.s3[0].module.async_invocation.module.on_failure[0].aws_sqs_queue.this["k"]',
        "aws_iam_role.this",
    ]
    assert resources[0].type == "aws_s3_bucket" and resources[0].attributes == {"bucket": "b"}


def test_workspace_resources_tells_no_state_from_an_unreadable_one(tmp_path):
    assert tfstate.workspace_resources(tmp_path, "api") == []
    path = tfstate.state_path(tmp_path, "api")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 3, "modules": []}))
    assert tfstate.workspace_resources(tmp_path, "api") is None
    path.write_text(json.dumps({"version": 4, "resources": []}))
    assert tfstate.workspace_resources(tmp_path, "api") == []
    path.write_text(json.dumps(STATE))
    assert len(tfstate.workspace_resources(tmp_path, "api")) == 4
