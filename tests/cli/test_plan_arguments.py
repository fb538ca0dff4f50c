from typer.testing import CliRunner

from orchestrator.cli import app

runner = CliRunner()


def invoke(*args, **env):
    return runner.invoke(app, list(args), env={"TRIG_ENDPOINT": "http://127.0.0.1:9", **env})


def test_usage_errors_exit_2_but_1_under_detailed_exitcode(tmp_path):
    """Under --detailed-exitcode 2 means "changes present", so an error must never exit 2."""
    plain = invoke("plan", "lambda", TRIG_HOME=str(tmp_path))
    detailed = invoke("plan", "lambda", "--detailed-exitcode", TRIG_HOME=str(tmp_path))
    assert plain.exit_code == 2, plain.output
    assert detailed.exit_code == 1, detailed.output
    assert "unknown trigger 'lambda'" in detailed.output


def test_plan_without_an_emulator_fails_fast(tmp_path):
    result = invoke("plan", "api", "--detailed-exitcode", TRIG_HOME=str(tmp_path))
    assert result.exit_code == 1, result.output
    assert "no emulator answers at http://127.0.0.1:9" in result.output


def test_an_unknown_format_is_refused_before_planning(tmp_path):
    result = invoke("plan", "api", "--format", "yaml", TRIG_HOME=str(tmp_path))
    assert result.exit_code == 2, result.output
    assert "--format 'yaml' is not one of text, markdown, json." in result.output
    assert list(tmp_path.iterdir()) == []
