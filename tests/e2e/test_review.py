"""What a pull request's review runs: a changed function source planned, `trig validate`, and the script that
posts the plan as a comment. Real Terraform, provider and MiniStack; apart from test_plan.py so that two
workers share the plan tests."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import PROJECT_DIR, Trig
from tests.e2e.conftest import FUNCTION, copy_project, plan_json


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
