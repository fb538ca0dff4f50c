"""One workspace per place: a trigger's part of the place's state, plan and apply output, read back as its own."""

from __future__ import annotations

from orchestrator.planning import trigger_part
from orchestrator.terraform.diagnostics import counts_by_trigger
from orchestrator.terraform.state import State, strip_instance, trigger_view

STATE = {
    "version": 4,
    "outputs": {"triggers": {"value": {"api": {"function_name": "api-gateway-test", "api": {"path": "hello"}},
                                       "s3": {"function_name": "s3-trigger-test"}}}},
    "resources": [
        {"mode": "managed", "type": "aws_lambda_function", "name": "this", "module": 'module.trigger["api"].module.function',
         "instances": [{"attributes": {"function_name": "api-gateway-test"}}]},
        {"mode": "managed", "type": "aws_s3_bucket", "name": "this", "module": 'module.trigger["s3"].module.s3[0]',
         "instances": [{"attributes": {"bucket": "test-bucket"}}]},
        {"mode": "managed", "type": "aws_s3_bucket", "name": "probe_state", "module": 'module.trigger["probe-s3"]',
         "instances": [{"index_key": 0, "attributes": {"bucket": "state"}}]},
    ],
}


def test_a_trigger_sees_only_its_resources_addressed_as_if_its_stack_were_the_root():
    state = State.parse(STATE)
    api = trigger_view(state, "api")
    assert [r.address for r in api.resources] == ["module.function.aws_lambda_function.this"]
    assert api.outputs.function_name == "api-gateway-test" and api.outputs.of("api", "path") == "hello"
    assert [r.address for r in trigger_view(state, "probe-s3").resources] == ["aws_s3_bucket.probe_state[0]"]
    assert not trigger_view(state, "kinesis").resources and not trigger_view(state, "kinesis").outputs
    # A name that is the start of another's is not mistaken for it.
    assert strip_instance('module.trigger["s3"].module.s3[0].aws_s3_bucket.this', "s") is None


def test_apply_output_is_counted_per_trigger():
    output = "\n".join([
        'module.trigger["api"].module.function.aws_iam_role.this: Creation complete after 0s [id=r]',
        'module.trigger["api"].module.function.aws_lambda_function.this: Modifications complete after 5s [id=f]',
        'module.trigger["s3"].module.s3[0].aws_s3_bucket.this: Destruction complete after 1s',
        'module.trigger["s3"].module.s3[0].aws_s3_bucket.this: Creation complete after 1s [id=b]',
        'module.trigger["kinesis"].module.function.aws_iam_role.this: Creation complete after 0s [id=k]',
        "Apply complete! Resources: 3 added, 1 changed, 1 destroyed.",
    ])
    assert counts_by_trigger(output, ["api", "s3"]) == {
        "api": {"added": 1, "changed": 1, "destroyed": 0}, "s3": {"added": 1, "changed": 0, "destroyed": 1}}


def test_a_triggers_part_of_a_place_plan_reads_as_its_own_plan():
    plan = {
        "resource_changes": [
            {"address": 'module.trigger["api"].module.function.aws_lambda_function.this',
             "module_address": 'module.trigger["api"].module.function', "type": "aws_lambda_function",
             "change": {"actions": ["update"]}},
            {"address": 'module.trigger["s3"].module.s3[0].aws_s3_bucket.this',
             "module_address": 'module.trigger["s3"].module.s3[0]', "change": {"actions": ["create"]}},
        ],
        "output_changes": {"triggers": {"actions": ["update"],
                                        "before": {"api": {"function_name": "a", "log_group_name": "g"}},
                                        "after": {"api": {"function_name": "b", "log_group_name": "g"}},
                                        "after_unknown": {"api": {}}}},
    }
    part = trigger_part(plan, "api")
    assert [(c["address"], c["module_address"]) for c in part["resource_changes"]] == [
        ("module.function.aws_lambda_function.this", "module.function")]
    assert list(part["output_changes"]) == ["function_name"]
    assert trigger_part(plan, "kinesis") == {"resource_changes": [], "resource_drift": [], "output_changes": {}}


def test_a_destroy_says_destroyed_as_each_triggers_last_resource_goes(tmp_path):
    import json

    from orchestrator.deploy import DestroyedAnnouncer
    from orchestrator.settings import Settings
    from orchestrator.terraform.state import state_path

    settings = Settings(project_dir=tmp_path, home=tmp_path / ".trig", endpoint="http://127.0.0.1:9", region="us-east-1",
                        account_id="000000000000", plugin_dir=None, terraform_bin="terraform")
    path = state_path(settings.home, "000000000000-us-east-1")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(STATE))
    said = []
    announce = DestroyedAnnouncer(settings, ["api", "s3", "kinesis"], said.append)
    announce('module.trigger["s3"].module.s3[0].aws_s3_bucket.this: Destroying... [id=test-bucket]')
    assert said == []
    announce('module.trigger["s3"].module.s3[0].aws_s3_bucket.this: Destruction complete after 1s')
    assert said == ["destroyed s3"]
    announce('module.trigger["api"].module.function.aws_lambda_function.this: Destruction complete after 0s')
    announce.the_rest()  # kinesis held nothing: said at the end
    assert said == ["destroyed s3", "destroyed api", "destroyed kinesis"]
