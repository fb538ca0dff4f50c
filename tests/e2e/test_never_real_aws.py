"""Real AWS is never reached: unlisted services refused, remote endpoints refused, credentials never used or shown."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_snapshot

CANARY_KEY_ID = "AKIATRIGCANARY000001"
CANARY_SECRET = "trigCanarySecretValueThatMustNeverBePrinted0001"


def test_a_resource_of_an_unlisted_service_is_refused_before_terraform_runs(make_trig, project_copy):
    trig = make_trig()
    module = project_copy / "terraform" / "modules" / "s3_trigger" / "main.tf"
    # SSM is a service the localstack root has no endpoint override for.
    module.write_text(module.read_text() + '\nresource "aws_ssm_parameter" "extra" {\n  name  = "extra"\n  type  = "String"\n  value = "x"\n}\n')
    result = trig.run("apply", "s3", expect=2, TRIG_PROJECT=str(project_copy))
    assert result.stderr.strip().splitlines()[-1] == (
        "trig: error: refusing to run Terraform: terraform/modules/s3_trigger/main.tf uses aws_ssm_parameter (service ssm), "
        "which has no endpoint override and would reach real AWS; add `ssm = var.endpoint` to the endpoints block "
        "in providers.tf.")
    assert tree_snapshot(trig.home / "terraform" / "state") == {}
    assert trig.client("ssm").describe_parameters()["Parameters"] == []


def test_an_endpoint_off_this_machine_is_refused_unless_allowed(make_trig):
    trig = make_trig()
    result = trig.run("apply", "api", "--endpoint", "http://192.0.2.10:4566", expect=2)
    assert result.stderr.strip().splitlines()[-1] == (
        "trig: error: endpoint http://192.0.2.10:4566 is not on this machine: "
        "pass --allow-remote if you mean an emulator elsewhere.")
    allowed = trig.run("check", "api", "--endpoint", "http://192.0.2.10:4566", "--allow-remote", expect=1)
    assert "no emulator answers at http://192.0.2.10:4566" in allowed.stderr


def test_real_credentials_in_the_environment_are_never_used_or_shown(make_trig, tmp_path):
    trig = make_trig()
    aws_dir = tmp_path / "home" / ".aws"
    aws_dir.mkdir(parents=True)
    (aws_dir / "credentials").write_text(
        f"[default]\naws_access_key_id = {CANARY_KEY_ID}\naws_secret_access_key = {CANARY_SECRET}\n")
    (aws_dir / "config").write_text("[default]\nregion = eu-west-3\n[profile canary]\nregion = eu-west-3\n")
    real_looking = {"AWS_ACCESS_KEY_ID": CANARY_KEY_ID, "AWS_SECRET_ACCESS_KEY": CANARY_SECRET,
                    "AWS_SESSION_TOKEN": CANARY_SECRET, "AWS_PROFILE": "canary", "AWS_REGION": "eu-west-3",
                    "HOME": str(tmp_path / "home")}
    bucket = f"leak-{trig.account}"
    outputs = [
        trig.run("apply", "api", "s3", "--set", f"bucket={bucket}", **real_looking),
        trig.run("check", "--timeout", "60", **real_looking),
        trig.run("status", **real_looking),
    ]
    # The resources landed in the emulator account given by TRIG_ACCOUNT, in trig's region.
    assert {f["FunctionName"] for f in trig.client("lambda").list_functions()["Functions"]} == {
        "api-gateway-test", "s3-trigger-test"}
    assert trig.client("lambda").get_function(FunctionName="api-gateway-test")["Configuration"]["FunctionArn"].startswith(
        f"arn:aws:lambda:us-east-1:{trig.account}:")
    outputs.append(trig.run("destroy", "all", **real_looking))
    for result in outputs:
        for canary in (CANARY_KEY_ID, CANARY_SECRET):
            assert canary not in result.stdout + result.stderr
    for path, content in tree_snapshot(trig.home).items():
        if Path(path).suffix in {".zip"} or "providers" in path:
            continue
        assert CANARY_SECRET.encode() not in content and CANARY_KEY_ID.encode() not in content, path
