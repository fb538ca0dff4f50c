"""The connection options are declared once (commands/connection.py): a command that takes a group of them takes
all of it, shown and parsed the same everywhere; Settings are resolved once per command; -q and -v end with
their command line."""

from __future__ import annotations

import json

import pytest
import typer
import typer.main
from typer.testing import CliRunner

from orchestrator.cli import app
from orchestrator.commands import connection
from orchestrator.commands.connection import CONNECTION_OPTIONS, EMULATOR, TERRAFORM, options_of, with_settings
from orchestrator.feedback import NORMAL, QUIET, VERBOSE

runner = CliRunner()
GROUP = typer.main.get_command(app)
CONNECTION_NAMES = {option.name for option in CONNECTION_OPTIONS}
BOTH = (EMULATOR, TERRAFORM)
# Which groups each command takes; a new command must be added here.
EXPECTED_GROUPS = {
    "init": (), "up": (), "down": (), "status": BOTH, "config": BOTH, "apply": BOTH, "check": BOTH, "logs": (EMULATOR,),
    "fire": (EMULATOR,), "destroy": BOTH, "run": BOTH, "plan": BOTH, "validate": (TERRAFORM,),
}


def invoke(*args, **env):
    return runner.invoke(app, list(args), env={"TRIG_ENDPOINT": "http://127.0.0.1:9", **env})


def as_shown(param) -> tuple:
    """What a user sees of an option and what Click parses it as."""
    return (tuple(param.opts), param.help, param.metavar, param.default, param.envvar, param.type_descriptor.annotation,
            param.is_flag)


def test_every_command_is_in_the_table():
    assert set(EXPECTED_GROUPS) == set(GROUP.commands)


@pytest.mark.parametrize("name", list(EXPECTED_GROUPS))
def test_each_command_takes_whole_groups_in_the_declared_order(name):
    taken = [param.name for param in GROUP.commands[name].params if param.name in CONNECTION_NAMES]
    assert taken == [option.name for option in options_of(EXPECTED_GROUPS[name])]
    assert GROUP.commands[name].callback.connection_groups == EXPECTED_GROUPS[name]


@pytest.mark.parametrize("option", CONNECTION_OPTIONS, ids=[option.name for option in CONNECTION_OPTIONS])
def test_every_command_shows_and_parses_an_option_exactly_as_declared(option):
    declared = option.annotation.__metadata__[0]
    seen = {name: as_shown(param) for name, command in GROUP.commands.items()
            for param in command.params if param.name == option.name}
    assert len(seen) == sum(option.group in groups for groups in EXPECTED_GROUPS.values())
    assert len(set(seen.values())) == 1, seen
    opts, help_text, *_ = next(iter(seen.values()))
    assert opts == (declared.default, *declared.param_decls)
    assert help_text == declared.help


def test_the_nine_commands_that_talk_to_the_emulator_show_the_same_emulator_options():
    names = {option.name for option in options_of([EMULATOR])}
    shown = {name: tuple(as_shown(p) for p in command.params if p.name in names)
             for name, command in GROUP.commands.items() if EMULATOR in EXPECTED_GROUPS[name]}
    assert len(shown) == 9 and len(set(shown.values())) == 1, shown


def test_flags_after_the_command_reach_the_settings(tmp_path):
    result = invoke("config", "--json", "--endpoint", "http://127.0.0.1:4567", "--region", "eu-west-1",
                    "--account", "123456789012", "--terraform-bin", "tofu", TRIG_HOME=str(tmp_path), TRIG_CONFIG="")
    assert result.exit_code == 0, result.output
    settings = json.loads(result.stdout)["settings"]
    assert {key: (v["value"], v["source"]) for key, v in settings.items() if key != "plugin_dir"} == {
        "endpoint": ("http://127.0.0.1:4567", "flag"), "region": ("eu-west-1", "flag"),
        "account": ("123456789012", "flag"), "terraform_bin": ("tofu", "flag")}


def test_settings_are_resolved_once_per_command(monkeypatch, tmp_path):
    from orchestrator import checking, deploy

    calls = []
    real = connection.settings_from
    monkeypatch.setattr(connection, "settings_from", lambda **flags: calls.append(flags) or real(**flags))
    monkeypatch.setattr(deploy, "emulator_for_run", lambda settings, names, progress=None: settings)
    monkeypatch.setattr(deploy, "apply_triggers", lambda *a, **k: {})
    monkeypatch.setattr(checking, "check_triggers", lambda *a, **k: [])
    for args in (["config"], ["down"], ["run", "api", "--region", "eu-west-1"]):
        calls.clear()
        result = invoke(*args, TRIG_HOME=str(tmp_path))
        assert result.exit_code == 0, result.output
        assert len(calls) == 1, (args, calls)
    assert calls[0]["region"] == "eu-west-1"


def _boom(**flags):
    raise RuntimeError("boom")


def test_verbose_ends_with_its_command_line(monkeypatch):
    monkeypatch.setattr(connection, "settings_from", _boom)
    assert invoke("-v", "config").stderr.startswith("Traceback (most recent call last):")
    assert invoke("config").stderr.splitlines() == [
        "trig: internal error: RuntimeError: boom (rerun with -v for the traceback)"]


def test_the_command_gets_the_progress_of_its_own_command_line(monkeypatch, tmp_path):
    from orchestrator import deploy

    levels = []
    monkeypatch.setattr(deploy, "apply_triggers", lambda *a, progress, **k: levels.append(progress.level) or {})
    for args in (["-q", "apply", "api"], ["apply", "api"], ["-v", "apply", "api"]):
        assert invoke(*args, TRIG_HOME=str(tmp_path)).exit_code == 0
    assert levels == [QUIET, NORMAL, VERBOSE]


def test_a_command_may_not_declare_a_connection_option_itself():
    def command(endpoint: str = "", *, settings=None) -> None:
        """Example: trig nothing"""

    with pytest.raises(TypeError, match="endpoint"):
        with_settings(EMULATOR)(command)


def test_a_command_taking_connection_options_must_receive_the_settings():
    def command(*, progress=None) -> None:
        """Example: trig nothing"""

    with pytest.raises(TypeError, match="settings"):
        with_settings(EMULATOR)(command)
