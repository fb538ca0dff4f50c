import subprocess
import sys

import orchestrator.terraform.command as command
import orchestrator.terraform.failures as failures
from orchestrator.terraform.diagnostics import change_counts, summarize_error
from orchestrator.terraform.environment import scrubbed_environment, terraform_environment

VALIDATION_ERROR = """
Error: Invalid value for variable

  on function.tf line 6, in module "function":
   6:   zip_hash      = var.function.zip_hash
    ├────────────────
    │ var.zip_hash is "abc"

zip_hash must be the base64-encoded SHA-256 of the zip (44 characters).

This was checked by the validation rule at
../../modules/lambda_function/variables.tf:25,3-13.
"""


def test_summarize_error_gives_the_explanation_not_the_snippet():
    assert summarize_error(VALIDATION_ERROR) == (
        "Invalid value for variable: zip_hash must be the base64-encoded SHA-256 of the zip (44 characters)."
    )


def test_summarize_error_without_diagnostics_gives_the_last_line():
    assert summarize_error("something\nflag provided but not defined: -force\n") == "flag provided but not defined: -force"
    assert summarize_error("") == "no error output"


def test_scrubbed_environment_drops_every_aws_setting():
    env = scrubbed_environment({"AWS_PROFILE": "prod", "AWS_ACCESS_KEY_ID": "AKIA", "PATH": "/bin", "TF_WORKSPACE": "x"})
    assert "AWS_PROFILE" not in env and "AWS_ACCESS_KEY_ID" not in env and "TF_WORKSPACE" not in env
    assert env["PATH"] == "/bin" and env["CHECKPOINT_DISABLE"] == "1"


def test_change_counts_reads_apply_and_destroy_summaries():
    assert change_counts("...\nApply complete! Resources: 11 added, 1 changed, 2 destroyed.\n") == {
        "added": 11, "changed": 1, "destroyed": 2}
    assert change_counts("Destroy complete! Resources: 7 destroyed.") == {"added": 0, "changed": 0, "destroyed": 7}


def test_summarize_error_joins_a_wrapped_explanation():
    stderr = (
        "\nError: Invalid value for input variable\n\n  on api.tfvars line 6:\n   6: function = {\n\n"
        "The given value is not suitable for var.function declared at\n"
        "variables.tf:33,1-20: attribute \"timeout\": a number is required.\n"
    )
    assert summarize_error(stderr) == (
        "Invalid value for input variable: The given value is not suitable for var.function declared at "
        'variables.tf:33,1-20: attribute "timeout": a number is required.')


def _fake_binary(tmp_path, plain: str, version: str):
    """A stand-in binary answering `version -json` and `version` as Terraform and OpenTofu do."""
    script = tmp_path / "tf"
    script.write_text('#!/bin/sh\nif [ "$2" = "-json" ]; then echo \'{"terraform_version": "%s"}\'; '
                      'else echo "%s"; fi\n' % (version, plain))
    script.chmod(0o755)
    return script


def _settings(tmp_path, binary):
    from orchestrator.settings import Settings
    (tmp_path / "terraform" / "envs" / "localstack").mkdir(parents=True, exist_ok=True)  # Terraform's working folder
    return Settings(tmp_path, tmp_path / ".trig", "http://127.0.0.1:9", "us-east-1", "000000000000", None, str(binary))


def test_opentofu_is_told_from_terraform_by_its_version_output(tmp_path):
    from orchestrator.terraform.adapter import TerraformAdapter

    tofu = _fake_binary(tmp_path, "OpenTofu v1.8.2\non linux_amd64", "1.8.2")
    assert TerraformAdapter(_settings(tmp_path, tofu)).check_version() == "OpenTofu 1.8.2"
    terraform = _fake_binary(tmp_path, "Terraform v1.11.4\non linux_amd64", "1.11.4")
    assert TerraformAdapter(_settings(tmp_path, terraform)).check_version() == "Terraform 1.11.4"


def test_trigs_run_options_never_become_terraform_flags(tmp_path, monkeypatch):
    ran = {}
    monkeypatch.setattr(command, "run_process", lambda cmd, cwd, env, watch, listen: ran.update(cmd=cmd, env=env) or (0, "", ""))
    runner = command.TerraformCommand(tmp_path, "terraform", {"PATH": "/bin"})
    runner.apply(skip_plan=True, var_file="api.tfvars", var=None, env={"TF_WORKSPACE": "api"}, watch=None)
    assert ran["cmd"][:2] == ["terraform", "apply"]
    assert sorted(ran["cmd"][2:]) == sorted(["-var-file=api.tfvars", "-no-color", "-input=false", "-auto-approve=true",
                                             f"-parallelism={command.PARALLELISM}"])
    assert ran["env"] == {"PATH": "/bin", "TF_WORKSPACE": "api"}


def test_only_commands_that_walk_resources_are_given_a_parallelism(tmp_path, monkeypatch):
    ran = []
    monkeypatch.setattr(command, "run_process", lambda cmd, cwd, env, watch, listen: ran.append(cmd) or (0, "", ""))
    runner = command.TerraformCommand(tmp_path, "terraform", {})
    runner.cmd("plan", no_color=command.IsFlagged)
    runner.cmd("destroy", auto_approve=command.IsFlagged)
    runner.cmd("import", "a.b", "id")
    runner.cmd("output", json=command.IsFlagged)
    flagged = [any(part.startswith("-parallelism=") for part in cmd) for cmd in ran]
    assert flagged == [True, True, False, False], ran


def test_terraform_runs_with_a_lazier_garbage_collector_unless_the_caller_chose_one():
    assert scrubbed_environment({})["GOGC"] == "400"
    assert scrubbed_environment({"GOGC": "100"})["GOGC"] == "100"


def test_terraform_environment_points_at_trigs_data_folder_and_mirror(tmp_path):
    env = terraform_environment({"AWS_PROFILE": "prod"}, tmp_path / "work", tmp_path / "plugins")
    assert "AWS_PROFILE" not in env and env["TF_DATA_DIR"] == str(tmp_path / "work" / "data")
    config = (tmp_path / "work" / "terraform.tfrc").read_text()
    assert env["TF_CLI_CONFIG_FILE"] == str(tmp_path / "work" / "terraform.tfrc")
    assert f'path = "{tmp_path / "plugins"}"' in config and "filesystem_mirror" in config
    assert "TF_CLI_CONFIG_FILE" not in terraform_environment({}, tmp_path / "other", None)


def test_a_failed_run_keeps_its_output_and_a_held_lock_says_what_to_do(tmp_path):
    error = failures.failed_error(tmp_path, "api", "apply", "apply", 1, "out", "\nError: boom\n\nit broke\n")
    assert str(error).startswith("terraform apply of api failed: boom: it broke (Terraform's full output: ")
    assert (tmp_path / "logs" / "api-apply.log").read_text().endswith("--- stderr ---\n\nError: boom\n\nit broke\n")
    locked = failures.failed_error(tmp_path, "sqs", "plan", "plan", 1, "", "Error: Error acquiring the state lock")
    assert "state is locked by another Terraform run" in str(locked) and locked.command == "plan"


def test_the_state_module_loads_without_the_adapter():
    """The watch imports the state module while the adapter imports the watch: no cycle at run time."""
    code = ("import sys, orchestrator.terraform.state, orchestrator.watchdog; "
            "assert 'orchestrator.terraform.adapter' not in sys.modules; "
            "import orchestrator.terraform.adapter")
    subprocess.run([sys.executable, "-c", code], check=True)
