"""The trig command line: parse, call one function, print, exit."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Optional

import typer

from orchestrator import emulator, plan_review, stack, validation
from orchestrator.errors import TrigError
from orchestrator.render import parse_set_options
from orchestrator.settings import Settings, resolve_settings

app = typer.Typer(
    help="Apply AWS Lambda trigger wiring with Terraform on a local emulator, and prove it works.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)

TriggersArg = Annotated[list[str], typer.Argument(help="Triggers: api, s3, kinesis or all. Example: trig apply api s3")]
OptionalTriggersArg = Annotated[Optional[list[str]], typer.Argument(help="Triggers to check (default: every applied one).")]
EndpointOpt = Annotated[Optional[str], typer.Option("--endpoint", envvar="TRIG_ENDPOINT", show_envvar=True,
                        help="Emulator URL (default: the one `trig up` started, else http://localhost:4566).")]
PluginDirOpt = Annotated[Optional[str], typer.Option("--plugin-dir", envvar="TRIG_PLUGIN_DIR", show_envvar=True,
                         help="Provider mirror folder; trig writes its own Terraform CLI config to use it. Example: /opt/tf-plugins")]
TerraformBinOpt = Annotated[Optional[str], typer.Option("--terraform-bin", envvar="TRIG_TERRAFORM", show_envvar=True,
                            help="Terraform binary to run (default: terraform).")]
SetOpt = Annotated[Optional[list[str]], typer.Option("--set", help="Override a template value, NAME=VALUE or TRIGGER.NAME=VALUE. Example: --set greeting=hi")]
TimeoutOpt = Annotated[float, typer.Option("--timeout", min=1, help="Seconds to wait for each event's confirmation.")]
FormatOpt = Annotated[str, typer.Option("--format", help="Output format: text, markdown (for a pull-request comment) or json.")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", help="Write the summary to this file instead of stdout. Example: --out plan.md")]
DetailedExitcodeOpt = Annotated[bool, typer.Option("--detailed-exitcode", help="Exit 0 when nothing changes, 2 when something does, 1 on error (as Terraform does).")]
PortOpt = Annotated[Optional[int], typer.Option("--port", min=1, max=65535, help="Port for the emulator (default 4566).")]


def reports_errors(command: Callable) -> Callable:
    """Turn a TrigError into one line on stderr and its exit code, with no traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except TrigError as exc:
            typer.echo(f"trig: error: {exc}", err=True)
            raise typer.Exit(code=exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("trig: interrupted; Terraform was asked to stop cleanly and its state is saved.", err=True)
            raise typer.Exit(code=130) from None

    return wrapper


def _settings(endpoint: str | None = None, plugin_dir: str | None = None, terraform_bin: str | None = None) -> Settings:
    return resolve_settings(endpoint=endpoint, plugin_dir=plugin_dir, terraform_bin=terraform_bin)


def _progress(message: str) -> None:
    typer.echo(message, err=True)


def _print_results(results: list[stack.CheckResult]) -> None:
    typer.echo(f"{'TRIGGER':<10} {'INVOCATION':<13} {'VERDICT':<8} {'SECONDS':>7}  DETAIL")
    for r in results:
        typer.echo(f"{r.trigger:<10} {r.invocation:<13} {'ok' if r.ok else 'FAILED':<8} {r.seconds:>7.2f}  {r.detail}")
        if not r.ok:
            for line in r.seen:
                typer.echo(f"{'':<42}seen: {line}")


def _print_counts(counts: dict[str, dict[str, int]]) -> None:
    for name, c in counts.items():
        typer.echo(f"{name}: {c['added']} added, {c['changed']} changed, {c['destroyed']} destroyed")


@app.command()
@reports_errors
def up(port: PortOpt = None) -> None:
    """Start the embedded MiniStack emulator in the background on 127.0.0.1. Example: trig up --port 4566"""
    settings = _settings()
    record, started = emulator.start(settings.home, port)
    _progress("started MiniStack" if started else "MiniStack already running")
    typer.echo(record.endpoint)


@app.command()
@reports_errors
def down() -> None:
    """Stop the emulator `trig up` started. Example: trig down"""
    settings = _settings()
    stopped = emulator.stop(settings.home)
    typer.echo("stopped" if stopped else "no emulator started by trig is running")


@app.command()
@reports_errors
def status(endpoint: EndpointOpt = None, plugin_dir: PluginDirOpt = None, terraform_bin: TerraformBinOpt = None) -> None:
    """Show the endpoint, its health and the applied triggers. Example: trig status"""
    settings = _settings(endpoint, plugin_dir, terraform_bin)
    info = emulator.health(settings.endpoint)
    typer.echo(f"endpoint: {settings.endpoint}")
    typer.echo(f"health:   {'healthy (version ' + str(info.get('version', '?')) + ')' if info is not None else 'not answering'}")
    applied = stack.applied_triggers(settings)
    typer.echo(f"applied:  {', '.join(applied) if applied else 'none'}")


@app.command()
@reports_errors
def apply(triggers: TriggersArg, set_: SetOpt = None, endpoint: EndpointOpt = None,
          plugin_dir: PluginDirOpt = None, terraform_bin: TerraformBinOpt = None) -> None:
    """Build the zips, render tfvars and apply the triggers' Terraform. Example: trig apply all --set greeting=hi"""
    settings = _settings(endpoint, plugin_dir, terraform_bin)
    counts = stack.apply_triggers(settings, triggers, parse_set_options(set_ or []), progress=_progress)
    _print_counts(counts)


@app.command()
@reports_errors
def check(triggers: OptionalTriggersArg = None, timeout: TimeoutOpt = 30.0, endpoint: EndpointOpt = None,
          plugin_dir: PluginDirOpt = None, terraform_bin: TerraformBinOpt = None) -> None:
    """Fire one real event per trigger and confirm it reached the function. Example: trig check kinesis --timeout 60"""
    settings = _settings(endpoint, plugin_dir, terraform_bin)
    results = stack.check_triggers(settings, triggers, timeout)
    _print_results(results)
    if not all(r.ok for r in results):
        raise typer.Exit(code=1)


@app.command()
@reports_errors
def destroy(triggers: TriggersArg, endpoint: EndpointOpt = None,
            plugin_dir: PluginDirOpt = None, terraform_bin: TerraformBinOpt = None) -> None:
    """Destroy the triggers' resources. Example: trig destroy all"""
    settings = _settings(endpoint, plugin_dir, terraform_bin)
    destroyed = stack.destroy_triggers(settings, triggers, progress=_progress)
    typer.echo(f"destroyed: {', '.join(destroyed) if destroyed else 'nothing was applied'}")


@app.command()
@reports_errors
def run(triggers: TriggersArg, set_: SetOpt = None, timeout: TimeoutOpt = 30.0, endpoint: EndpointOpt = None,
        plugin_dir: PluginDirOpt = None, terraform_bin: TerraformBinOpt = None) -> None:
    """Start the emulator if none answers, apply, then check. Example: trig run all"""
    settings = _settings(endpoint, plugin_dir, terraform_bin)
    if not emulator.is_healthy(settings.endpoint):
        record, _ = emulator.start(settings.home)
        _progress(f"started MiniStack at {record.endpoint}")
        settings = _settings(record.endpoint, plugin_dir, terraform_bin)
    stack.apply_triggers(settings, triggers, parse_set_options(set_ or []), progress=_progress)
    results = stack.check_triggers(settings, triggers, timeout)
    _print_results(results)
    if not all(r.ok for r in results):
        raise typer.Exit(code=1)


@app.command()
@reports_errors
def plan(triggers: TriggersArg, set_: SetOpt = None, format_: FormatOpt = "text", out: OutOpt = None,
         detailed_exitcode: DetailedExitcodeOpt = False, endpoint: EndpointOpt = None,
         plugin_dir: PluginDirOpt = None, terraform_bin: TerraformBinOpt = None) -> None:
    """Plan the triggers with apply's tfvars and summarise what would change. Example: trig plan all --format markdown --out plan.md"""
    with plan_review.errors_exit_one(detailed_exitcode):
        settings = _settings(endpoint, plugin_dir, terraform_bin)
        plans, text = plan_review.plan_and_render(settings, triggers, parse_set_options(set_ or []), format_, progress=_progress)
        if out is None:
            typer.echo(text, nl=False)
        else:
            plan_review.write_report(text, out)
            _progress(f"wrote {out}")
    if detailed_exitcode:
        raise typer.Exit(code=plan_review.detailed_exit_code(plans))


@app.command()
@reports_errors
def validate(plugin_dir: PluginDirOpt = None, terraform_bin: TerraformBinOpt = None) -> None:
    """Check that terraform/ is formatted and that the root and every module validate. Example: trig validate"""
    settings = _settings(plugin_dir=plugin_dir, terraform_bin=terraform_bin)
    failures = validation.validate_project(settings, progress=_progress)
    for failure in failures:
        typer.echo(failure)
    if failures:
        raise typer.Exit(code=1)
    typer.echo("terraform/ is formatted and every configuration is valid")


def main() -> None:
    """Console entry point."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()
