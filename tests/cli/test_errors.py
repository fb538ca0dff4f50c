"""The error boundary: usage errors, trig's errors and bugs each end as one line on stderr with their exit code."""

from __future__ import annotations

from importlib import metadata

import pytest
from typer.testing import CliRunner

from orchestrator.cli import app
from orchestrator.commands import boundary, connection

runner = CliRunner()


def invoke(*args, **env):
    return runner.invoke(app, list(args), env={"TRIG_ENDPOINT": "http://127.0.0.1:9", **env})


def assert_one_line(result, code: int, line: str) -> None:
    assert result.exit_code == code, result.output
    assert result.stdout == "", result.stdout
    assert result.stderr.splitlines() == [line], result.stderr


@pytest.mark.parametrize(("args", "line"), [
    (["apply", "api", "--sett", "x=1"], "trig: error: no such option --sett (did you mean --set?)"),
    (["aply", "api"], "trig: error: no such command 'aply' (did you mean apply?)"),
    (["check", "--timeout", "0"], "trig: error: --timeout 0: must be at least 1"),
    (["check", "--timeout=soon"], "trig: error: --timeout soon: must be a number"),
    (["up", "--port", "70000"], "trig: error: --port 70000: must be at most 65535"),
    (["apply"], "trig: error: missing TRIGGER (example: trig apply api s3)"),
    (["fire"], "trig: error: missing TRIGGER (example: trig fire sns)"),
    (["apply", "api", "--set"], "trig: error: --set needs a value (example: --set greeting=hi)"),
    (["--timeout", "5", "check"], "trig: error: --timeout is an option of check, fire and run, not of trig itself: "
                                  "put it after the command, as in `trig check --timeout …`."),
    (["apply", "api", "-q"], "trig: error: -q is an option of trig itself, not of apply: put it before the command, "
                             "as in `trig -q apply …`."),
    (["status", "--bogus"], "trig: error: no such option --bogus: see `trig status --help`."),
    (["logs", "api", "s3"], "trig: error: got unexpected extra argument(s) (s3): see `trig logs --help`."),
    (["--quiet", "--verbose", "status"], "trig: error: --quiet and --verbose contradict each other: pass one."),
])
def test_usage_errors_are_one_line_with_exit_2(args, line):
    assert_one_line(invoke(*args), 2, line)


def test_an_unknown_command_without_a_close_one_lists_the_commands():
    result = invoke("frobnicate")
    assert_one_line(result, 2, "trig: error: no such command 'frobnicate': choose from up, down, status, config, apply, "
                               "check, logs, fire, destroy, run, plan, validate, init.")


def test_no_arguments_shows_the_help_and_help_still_works():
    alone = invoke()
    assert alone.exit_code == 2 and alone.stdout.startswith("Usage: trig [OPTIONS] COMMAND [ARGS]..."), alone.output
    helped = invoke("apply", "--help")
    assert helped.exit_code == 0 and helped.stdout.startswith("Usage: trig apply [OPTIONS]"), helped.output
    assert helped.stderr == ""


def test_version_prints_the_installed_package_version():
    result = invoke("--version")
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"trig {metadata.version('trig')}\n", "")


def _boom(*args, **kwargs):
    raise RuntimeError("boom\nsecond line")


def test_an_unexpected_exception_is_one_line_with_exit_70(monkeypatch):
    monkeypatch.setattr(connection, "settings_from", _boom)
    result = invoke("config")
    assert_one_line(result, 70, "trig: internal error: RuntimeError: boom second line (rerun with -v for the traceback)")


def test_verbose_adds_the_traceback_before_the_line(monkeypatch):
    monkeypatch.setattr(connection, "settings_from", _boom)
    result = invoke("-v", "config")
    assert result.exit_code == 70, result.output
    lines = result.stderr.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert "_boom" in result.stderr
    assert lines[-1] == "trig: internal error: RuntimeError: boom second line"
    assert result.stdout == ""


def test_existing_command_lines_keep_working(tmp_path):
    result = invoke("-q", "config", "--json", "--endpoint", "http://127.0.0.1:4566", TRIG_HOME=str(tmp_path))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("message", "rule"), [
    ("Input should be greater than or equal to 1", "must be at least 1"),
    ("Input should be less than or equal to 65535", "must be at most 65535"),
    ("Input should be a valid number, unable to parse string as a number", "must be a number"),
    ("Input should be a valid integer, unable to parse string as an integer", "must be a whole number"),
    ("0 is not in the range x>=1.", "must be at least 1"),
    ("70000 is not in the range 1<=x<=65535.", "must be from 1 to 65535"),
    ("'abc' is not a valid float.", "must be a number"),
    ("'abc' is not a valid integer.", "must be a whole number"),
    ("Something Else entirely.", "something Else entirely"),
])
def test_click_and_pydantic_value_messages_become_short_rules(message, rule):
    assert boundary.humane_value_message(message) == rule


@pytest.mark.parametrize(("argv", "value"), [
    (["check", "--timeout", "0"], "0"),
    (["check", "--timeout=0"], "0"),
    (["check", "--timeout", "5", "--timeout", "0"], "0"),
    (["check", "--", "--timeout", "0"], None),
    (["check"], None),
])
def test_the_typed_value_is_found_in_either_spelling(argv, value):
    assert boundary.typed_value(argv, ["--timeout"]) == value


def test_with_detailed_exitcode_a_usage_error_exits_1_since_2_means_changes():
    result = invoke("plan", "api", "--detailed-exitcode", "--sett", "x=1")
    assert_one_line(result, 1, "trig: error: no such option --sett (did you mean --set?)")
