import json

from typer.testing import CliRunner

from orchestrator.cli import app
from orchestrator.triggers import REGISTRY

runner = CliRunner()


def invoke(*args, **env):
    return runner.invoke(app, list(args), env={"TRIG_ENDPOINT": "http://127.0.0.1:9", **env})


def test_unknown_trigger_is_one_line_and_exit_2():
    result = invoke("apply", "lambda")
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [
        f"trig: error: unknown trigger 'lambda': choose from {', '.join(REGISTRY)} or all."]


def test_set_without_equals_is_refused():
    result = invoke("apply", "api", "--set", "greeting")
    assert result.exit_code == 2, result.output
    assert "is not NAME=VALUE" in result.output


def test_unknown_set_name_lists_known_names_before_touching_anything(tmp_path):
    result = invoke("apply", "api", "--set", "colour=red", TRIG_HOME=str(tmp_path))
    assert result.exit_code == 2, result.output
    assert "known names are api_name, function_name, greeting, memory_size, path, stage, timeout" in result.output
    assert list(tmp_path.iterdir()) == []


def test_unreachable_endpoint_is_reported_without_waiting(tmp_path):
    result = invoke("check", "api", TRIG_HOME=str(tmp_path))
    assert result.exit_code == 1, result.output
    assert "no emulator answers at http://127.0.0.1:9: run `trig up` or pass --endpoint." in result.output


def test_missing_plugin_dir_is_refused(tmp_path):
    result = invoke("apply", "api", "--plugin-dir", str(tmp_path / "nope"))
    assert result.exit_code == 2, result.output
    assert "does not exist: point --plugin-dir or TRIG_PLUGIN_DIR at a provider mirror" in result.output


def test_every_command_has_help_with_an_example():
    for command in ["up", "down", "status", "config", "apply", "check", "logs", "fire", "destroy", "run", "plan", "validate"]:
        result = invoke(command, "--help")
        assert result.exit_code == 0, result.output
        assert "Example: trig" in " ".join(result.output.split())


def test_semantics_options_need_semantics(tmp_path):
    result = invoke("check", "api", "--keep", TRIG_HOME=str(tmp_path))
    assert result.exit_code == 2, result.output
    assert "--set and --keep go with --semantics: add --semantics or drop them." in result.output


def test_semantics_refuses_an_unknown_set_name_before_touching_anything(tmp_path):
    result = invoke("check", "s3", "--semantics", "--set", "colour=red", TRIG_HOME=str(tmp_path))
    assert result.exit_code == 2, result.output
    assert "known names are bucket, filter_prefix, filter_suffix, function_name, maximum_retry_attempts" in result.output
    assert list(tmp_path.iterdir()) == []


def test_semantics_on_an_unreachable_endpoint_fails_fast(tmp_path):
    result = invoke("check", "api", "--semantics", TRIG_HOME=str(tmp_path))
    assert result.exit_code == 1, result.output
    assert "no emulator answers at http://127.0.0.1:9" in result.output


def test_every_option_and_argument_has_help_text():
    import typer.main

    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        for param in command.params:
            if param.name == "help":
                continue
            assert getattr(param, "help", None), f"trig {name}: {param.name} has no help text"


def test_quiet_and_verbose_contradict():
    result = invoke("--quiet", "--verbose", "status")
    assert result.exit_code == 2, result.output
    assert "--quiet and --verbose contradict each other" in result.output


def test_fire_takes_data_or_file_not_both(tmp_path):
    (tmp_path / "body").write_text("x")
    result = invoke("fire", "s3", "--data", "x", "--file", str(tmp_path / "body"), TRIG_HOME=str(tmp_path))
    assert result.exit_code == 2, result.output
    assert result.output.strip() == "trig: error: pass --data or --file, not both."


def test_logs_refuses_a_bad_duration_and_an_unknown_trigger(tmp_path):
    result = invoke("logs", "kinesis", "--since", "soon", TRIG_HOME=str(tmp_path))
    assert (result.exit_code, result.output.strip()) == (2, "trig: error: --since 'soon' is not a duration: write it as 30s, 10m, 2h or 1d.")
    result = invoke("logs", "ses", TRIG_HOME=str(tmp_path))
    assert (result.exit_code, result.output.strip()) == (
        2, "trig: error: unknown trigger 'ses': choose from api, s3, kinesis, sns, schedule, dynamodb, sqs.")


def test_fire_on_a_trigger_not_applied_says_apply_it(tmp_path):
    result = invoke("fire", "kinesis", "--data", "x", TRIG_HOME=str(tmp_path))
    assert (result.exit_code, result.output.strip()) == (2, "trig: error: kinesis is not applied: run `trig apply kinesis` first.")


def test_unknown_engine_is_refused(tmp_path):
    result = invoke("up", "--engine", "moto", TRIG_HOME=str(tmp_path))
    assert (result.exit_code, result.output.strip()) == (2, "trig: error: --engine 'moto' is not one of ministack, localstack.")


def test_localstack_without_its_prerequisites_names_each_missing_one(tmp_path):
    # A PATH with neither localstack nor docker, and no token: the real checks, on this machine's real state.
    result = invoke("up", "--engine", "localstack", TRIG_HOME=str(tmp_path), PATH=str(tmp_path), LOCALSTACK_AUTH_TOKEN="")
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("trig: error: cannot start LocalStack: missing the localstack CLI (pip install localstack); "
                               "Docker (the docker command); LOCALSTACK_AUTH_TOKEN"), lines[0]
    assert list(tmp_path.iterdir()) == []


def test_plan_json_contradicting_format_is_refused(tmp_path):
    result = invoke("plan", "api", "--json", "--format", "markdown", TRIG_HOME=str(tmp_path))
    assert result.exit_code == 2, result.output
    assert "--json means --format json" in result.output


def test_config_json_has_null_for_no_config_file_and_no_plugin_dir(tmp_path):
    import json

    result = invoke("config", "--json", TRIG_HOME=str(tmp_path), TRIG_CONFIG="", TRIG_PLUGIN_DIR="")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["config_file"] is None
    assert document["settings"]["plugin_dir"]["value"] is None


def test_run_prints_the_change_counts_per_trigger_as_apply_does(monkeypatch):
    from orchestrator import checking, deploy

    monkeypatch.setattr(deploy, "emulator_for_run", lambda settings, names, progress=None: settings)
    monkeypatch.setattr(deploy, "apply_triggers", lambda *a, **k: {
        "api": {"added": 11, "changed": 0, "destroyed": 0},
        "s3": {"added": 0, "changed": 0, "destroyed": 0, "skipped": 1}})
    monkeypatch.setattr(checking, "check_triggers", lambda *a, **k: [
        checking.CheckResult("api", "synchronous", True, 0.2, "HTTP 200"),
        checking.CheckResult("s3", "asynchronous", True, 1.5, "logged")])
    result = invoke("run", "api", "s3")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "api: 11 added, 0 changed, 0 destroyed"
    assert lines[1].startswith("s3: 0 added, 0 changed, 0 destroyed (inputs unchanged")
    assert lines[2].split() == ["TRIGGER", "INVOCATION", "VERDICT", "SECONDS", "DETAIL"]


def test_an_apply_in_another_region_is_refused_before_anything_is_written(tmp_path):
    from orchestrator.terraform.state import state_path
    from tests.conftest import tree_snapshot

    state = state_path(tmp_path, "000000000000-us-east-1")
    state.parent.mkdir(parents=True)
    state.write_text(json.dumps({"version": 4, "resources": [
        {"mode": "managed", "type": "aws_lambda_function", "name": "this", "module": 'module.trigger["api"].module.function',
         "instances": [{"attributes": {"function_name": "api-gateway-test",
                                       "arn": "arn:aws:lambda:us-east-1:000000000000:function:api-gateway-test"}}]}]}))
    before = tree_snapshot(tmp_path)
    for command in ("apply", "plan", "run"):
        result = invoke(command, "api", "--region", "eu-west-1", TRIG_HOME=str(tmp_path))
        assert result.exit_code == 2, result.output
        assert result.output.strip().splitlines() == [
            "trig: error: api is applied in us-east-1 for account 000000000000; run `trig destroy api` first "
            "(it destroys it there), then apply in eu-west-1."]
    assert tree_snapshot(tmp_path) == before
