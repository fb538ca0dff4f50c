"""`trig plan` on real plans: real Terraform, provider and MiniStack (changed sources, `trig validate` and the
pull request script are in test_review.py)."""

from __future__ import annotations

from tests.e2e.conftest import FUNCTION, SEED_TRIGGERS, plan_json

BUCKET = "module.s3[\"s3\"].aws_s3_bucket.this"
# Every resource each trigger's root creates: the shared function module (4) and the trigger's own.
EXPECTED_ADDS = {
    "api": {
        "module.function.aws_cloudwatch_log_group.this", "module.function.aws_iam_role.this",
        "module.function.aws_iam_role_policy.logs", FUNCTION,
        "module.api[\"api\"].aws_api_gateway_rest_api.this", "module.api[\"api\"].aws_api_gateway_resource.this",
        "module.api[\"api\"].aws_api_gateway_method.this", "module.api[\"api\"].aws_api_gateway_integration.this",
        "module.api[\"api\"].aws_lambda_permission.this", "module.api[\"api\"].aws_api_gateway_deployment.this",
        "module.api[\"api\"].aws_api_gateway_stage.this",
    },
    "s3": {
        "module.function.aws_cloudwatch_log_group.this", "module.function.aws_iam_role.this",
        "module.function.aws_iam_role_policy.logs", FUNCTION,
        BUCKET, "module.s3[\"s3\"].aws_lambda_permission.this", "module.s3[\"s3\"].aws_s3_bucket_notification.this",
    },
    "kinesis": {
        "module.function.aws_cloudwatch_log_group.this", "module.function.aws_iam_role.this",
        "module.function.aws_iam_role_policy.logs", FUNCTION,
        "module.kinesis[\"kinesis\"].aws_kinesis_stream.this", "module.kinesis[\"kinesis\"].module.stream_mapping.aws_iam_role_policy.read",
        "module.kinesis[\"kinesis\"].module.stream_mapping.aws_lambda_event_source_mapping.this",
    },
}


def test_fresh_state_plans_every_resource_as_an_add(make_trig):
    trig = make_trig()
    plans = plan_json(trig, *SEED_TRIGGERS, "--detailed-exitcode", expect=2)
    assert list(plans) == ["api", "s3", "kinesis"]
    for name, expected in EXPECTED_ADDS.items():
        plan = plans[name]
        assert plan["counts"] == {"add": len(expected), "change": 0, "replace": 0, "destroy": 0}, name
        assert {r["address"] for r in plan["resources"]} == expected
        assert {r["action"] for r in plan["resources"]} == {"create"}
    # A plan applies nothing.
    assert trig.client("lambda").list_functions()["Functions"] == []


def test_after_apply_nothing_changes_and_the_exit_code_is_0(shared_stack, tmp_path):
    review = tmp_path / "plan.md"
    result = shared_stack.run("plan", *SEED_TRIGGERS, "--detailed-exitcode", "--markdown", str(review))
    assert result.stdout == "api: no changes\ns3: no changes\nkinesis: no changes\n"
    markdown = review.read_text()
    assert markdown.startswith("## trig plan: 0 of 3 triggers with changes\n")
    assert "### kinesis: no changes" in markdown and "<details>" not in markdown and "| " not in markdown


def test_a_new_greeting_is_one_update_of_the_api_function(shared_stack, tmp_path):
    trig = shared_stack
    out = tmp_path / "review" / "plan.md"  # the same plan's review, for the pull request
    plans = plan_json(trig, *SEED_TRIGGERS, "--set", "greeting=hi", "--detailed-exitcode", "--markdown", str(out),
                      expect=2)
    assert not plans["s3"]["changes"] and not plans["kinesis"]["changes"]
    api = plans["api"]
    assert api["counts"] == {"add": 0, "change": 1, "replace": 0, "destroy": 0}
    [resource] = api["resources"]
    assert (resource["address"], resource["module"], resource["action"], resource["destructive"]) == (
        FUNCTION, "module.function", "update", False)
    assert resource["attributes"] == [{"path": "environment[0].variables.GREETING", "before": "hello", "after": "hi",
                                       "forces_replacement": False}]

    markdown = out.read_text()
    assert markdown.startswith("## trig plan: 1 of 3 triggers with changes\n")
    assert "### api: 1 to change\n" in markdown
    assert "### s3: no changes\n" in markdown and "### kinesis: no changes\n" in markdown
    assert markdown.count("| ~ | update |") == 1 and f"| ~ | update | `{FUNCTION}` | `module.function` |" in markdown
    assert '| `environment[0].variables.GREETING` | `"hello"` | `"hi"` |' in markdown
    assert "WARNING" not in markdown
    # The deployed function still greets with hello: plan changed nothing.
    config = trig.client("lambda").get_function_configuration(FunctionName="api-gateway-test")
    assert config["Environment"]["Variables"]["GREETING"] == "hello"


def test_a_new_bucket_name_is_a_destructive_replacement_listed_first(shared_stack, tmp_path):
    review = tmp_path / "plan.md"
    result = shared_stack.run("plan", "s3", "--set", "bucket=renamed-bucket", "--detailed-exitcode", "--markdown",
                              str(review), expect=2)
    lines = result.stdout.splitlines()
    assert lines[0] == "s3: 3 to replace"
    assert lines[1].split() == ["-/+", "replace", "module.s3[\"s3\"].aws_lambda_permission.this", "[module.s3[\"s3\"]]", "DESTRUCTIVE"]
    assert any(line.split()[:3] == ["bucket:", '"test-bucket"', "→"] and line.endswith('"renamed-bucket"  # forces replacement')
               for line in lines)
    markdown = review.read_text()
    assert "> [!WARNING]\n> 3 destructive changes" in markdown
    assert markdown.count("| ⚠️ | **replace** (destructive) |") == 3
    assert f"| ⚠️ | **replace** (destructive) | `{BUCKET}` | `module.s3[\"s3\"]` |" in markdown
    assert f"<summary>replace `{BUCKET}`: " in markdown and "(replace because cannot update)</summary>" in markdown
    assert '| `bucket` (forces replacement) | `"test-bucket"` | `"renamed-bucket"` |' in markdown
