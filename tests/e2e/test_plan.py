"""`trig plan` and `trig validate` on real plans: real Terraform, provider and MiniStack."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_DIR, Trig
from tests.e2e.conftest import SEED_TRIGGERS

FUNCTION = "module.function.aws_lambda_function.this"
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


def plan_json(trig: Trig, *args: str, expect: int = 0, **env: str) -> dict[str, dict]:
    result = trig.run("plan", *args, "--format", "json", expect=expect, **env)
    return {t["trigger"]: t for t in json.loads(result.stdout)["triggers"]}


def copy_project(tmp_path: Path) -> Path:
    """A copy of the checkout's Terraform and functions, for a test to edit (TRIG_PROJECT points at it)."""
    copy = tmp_path / "project"
    for part in ("terraform", "functions"):
        shutil.copytree(PROJECT_DIR / part, copy / part,
                        ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "__pycache__"))
    return copy


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


def test_a_changed_function_source_updates_that_function_only(shared_stack, tmp_path):
    trig = shared_stack
    project = copy_project(tmp_path)
    handler = project / "functions" / "api" / "handler.py"
    handler.write_text(handler.read_text().replace('f"{greeting} {name}"', 'f"{greeting}, {name}"'))
    plans = plan_json(trig, "api", "--detailed-exitcode", expect=2, TRIG_PROJECT=str(project))
    [resource] = plans["api"]["resources"]
    assert (resource["address"], resource["action"]) == (FUNCTION, "update")
    changed = {a["path"]: a for a in resource["attributes"]}
    assert changed["source_code_hash"]["before"] != changed["source_code_hash"]["after"]
    # Besides the hash, only what AWS recomputes from new code may move.
    assert set(changed) <= {"source_code_hash", "code_sha256", "last_modified", "source_code_size",
                            "qualified_arn", "qualified_invoke_arn", "version"}
    # The unchanged checkout still plans nothing.
    assert trig.run("plan", "api", "--detailed-exitcode").stdout == "api: no changes\n"


def test_validate_passes_on_the_repository(tmp_path):
    trig = Trig(tmp_path / "home", "http://127.0.0.1:9", "000000000000")
    result = trig.run("validate")
    assert result.stdout == "terraform/ is formatted and every configuration is valid\n"
    assert not list((PROJECT_DIR / "terraform").rglob(".terraform"))


def test_validate_names_the_misformatted_and_the_invalid_file(tmp_path):
    project = copy_project(tmp_path)
    main = project / "terraform" / "modules" / "s3_trigger" / "main.tf"
    main.write_text(main.read_text().replace("  bucket        = var.bucket_name", "  bucket = var.bucket_name"))
    (project / "terraform" / "modules" / "kinesis_trigger" / "extra.tf").write_text(
        'resource "aws_kinesis_stream" "extra" {\n  name        = "x"\n  shard_count = 1\n  colour      = "red"\n}\n')
    outputs = project / "terraform" / "modules" / "sqs_trigger" / "outputs.tf"
    outputs.write_text(outputs.read_text().replace("URL of the dead-letter queue.", "Where failed messages go."))
    trig = Trig(tmp_path / "home", "http://127.0.0.1:9", "000000000000")
    result = trig.run("validate", expect=1, TRIG_PROJECT=str(project))
    assert result.stdout.splitlines() == [
        "terraform/modules/s3_trigger/main.tf: not formatted as `terraform fmt` writes it; run `terraform fmt -recursive terraform`",
        "terraform/modules/sqs_trigger/README.md is out of date with its variables.tf/outputs.tf: run python scripts/module_docs.py",
        'terraform/modules/kinesis_trigger/extra.tf:4: Unsupported argument: An argument named "colour" is not expected here.',
    ]


def test_the_pull_request_script_posts_the_plan_of_a_fresh_account(make_trig, tmp_path, monkeypatch):
    """scripts/plan_comment.py as the workflow runs it: its own emulator (trig up/down), validate, plan, comment."""
    from orchestrator.emulator import free_port, running_record
    from tests.scripts.fake_github import SCRIPT, FakeGitHub

    trig = make_trig()
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 5, "head": {"sha": "0123456789abcdef"}}}))
    out = tmp_path / "comment.md"
    with FakeGitHub() as github:
        env = trig.env(GITHUB_EVENT_PATH=str(event), GITHUB_REPOSITORY="acme/trig", GITHUB_API_URL=github.url,
                       GITHUB_TOKEN=github.token)
        del env["TRIG_ENDPOINT"]  # the script starts the embedded emulator itself
        result = subprocess.run([sys.executable, str(SCRIPT), "--port", str(free_port()), "--out", str(out)],
                                env=env, capture_output=True, text=True, timeout=600, cwd=PROJECT_DIR)
        assert result.returncode == 0, result.stderr
        [comment] = github.comments[5]
    body = comment["body"]
    assert body == out.read_text()
    assert body.startswith("<!-- trig-plan-review -->\n\n`trig validate`: formatted and valid at 0123456789ab.\n")
    # The script plans every registered trigger.
    assert "## trig plan: 7 of 7 triggers with changes" in body
    assert "### api: 11 to add" in body and "### s3: 7 to add" in body and "### kinesis: 7 to add" in body
    assert "### sns: 7 to add" in body and "### schedule: 7 to add" in body
    assert "### dynamodb: 7 to add" in body and "### sqs: 8 to add" in body
    assert "created comment" in result.stderr and "$ trig down" in result.stderr
    assert running_record(trig.home) is None
