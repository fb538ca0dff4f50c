"""Real AWS is never reached: unlisted services refused, remote endpoints refused, credentials never used or shown."""

from __future__ import annotations

from tests.conftest import tree_snapshot


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


# Real-looking credentials in the environment, never used or shown: test_lifecycle runs every command with them.
