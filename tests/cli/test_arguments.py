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
    for command in ["up", "down", "status", "apply", "check", "destroy", "run"]:
        result = invoke(command, "--help")
        assert result.exit_code == 0, result.output
        assert "Example: trig" in " ".join(result.output.split())


def test_semantics_options_need_semantics(tmp_path):
    result = invoke("check", "api", "--json", TRIG_HOME=str(tmp_path))
    assert result.exit_code == 2, result.output
    assert "--json, --set and --keep go with --semantics: add --semantics or drop them." in result.output


def test_semantics_refuses_an_unknown_set_name_before_touching_anything(tmp_path):
    result = invoke("check", "s3", "--semantics", "--set", "colour=red", TRIG_HOME=str(tmp_path))
    assert result.exit_code == 2, result.output
    assert "known names are bucket, function_name, maximum_retry_attempts" in result.output
    assert list(tmp_path.iterdir()) == []


def test_semantics_on_an_unreachable_endpoint_fails_fast(tmp_path):
    result = invoke("check", "api", "--semantics", TRIG_HOME=str(tmp_path))
    assert result.exit_code == 1, result.output
    assert "no emulator answers at http://127.0.0.1:9" in result.output
