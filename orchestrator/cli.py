"""The trig command line: parse, call one function, print, exit."""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Optional

import typer

from orchestrator import emulator, plan_review, semantics, stack, validation
from orchestrator.errors import TrigError, UsageError
from orchestrator.load import LoadResult
from orchestrator.render import parse_set_options
from orchestrator.settings import Settings, resolve_settings
from orchestrator.triggers import REGISTRY

app = typer.Typer(
    help="Apply AWS Lambda trigger wiring with Terraform on a local emulator, and prove it works.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)

TriggersArg = Annotated[list[str], typer.Argument(help=f"Triggers: {', '.join(REGISTRY)} or all. Example: trig apply api s3")]
OptionalTriggersArg = Annotated[Optional[list[str]], typer.Argument(help="Triggers to check (default: every applied one).")]
EndpointOpt = Annotated[Optional[str], typer.Option("--endpoint", envvar="TRIG_ENDPOINT", show_envvar=True,
                        help="Emulator URL (default: the one `trig up` started, else http://localhost:4566).")]
PluginDirOpt = Annotated[Optional[str], typer.Option("--plugin-dir", envvar="TRIG_PLUGIN_DIR", show_envvar=True,
                         help="Provider mirror folder; trig writes its own Terraform CLI config to use it. Example: /opt/tf-plugins")]
TerraformBinOpt = Annotated[Optional[str], typer.Option("--terraform-bin", envvar="TRIG_TERRAFORM", show_envvar=True,
                            help="Terraform binary to run (default: terraform).")]
AllowRemoteOpt = Annotated[bool, typer.Option("--allow-remote", envvar="TRIG_ALLOW_REMOTE",
                           help="Accept an endpoint that is not a loopback address. Example: --endpoint http://10.0.0.5:4566 --allow-remote")]
SetOpt = Annotated[Optional[list[str]], typer.Option("--set", help="Override a template value, NAME=VALUE or TRIGGER.NAME=VALUE. Example: --set greeting=hi")]
TimeoutOpt = Annotated[float, typer.Option("--timeout", min=1, help="Seconds to wait for each event's confirmation.")]
CountOpt = Annotated[Optional[int], typer.Option("--count", min=1, max=100000,
                     help="Fire this many events per trigger, each with its own nonce, and count confirmed, missing and duplicated ones. Example: --count 500")]
ConcurrencyOpt = Annotated[int, typer.Option("--concurrency", min=1, max=200,
                           help="Events in flight at once with --count (MiniStack drops async events it throttles, so keep S3 low). Example: --concurrency 20")]
SemanticsOpt = Annotated[bool, typer.Option("--semantics", help="Prove each invocation type's retry, batching and ordering semantics on a probe stack, one row per property.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="With --semantics: print the rows as JSON.")]
KeepOpt = Annotated[bool, typer.Option("--keep", help="With --semantics: keep the probe stacks to read their logs; remove them with `trig destroy TRIGGER --probes`.")]
ProbesOpt = Annotated[bool, typer.Option("--probes", help="Destroy the probe stacks `trig check --semantics --keep` left, not the triggers.")]
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
            typer.echo("trig: interrupted; Terraform's state is saved and unlocked.", err=True)
            raise typer.Exit(code=130) from None

    return wrapper


def _settings(endpoint: str | None = None, plugin_dir: str | None = None, terraform_bin: str | None = None,
              allow_remote: bool = False) -> Settings:
    return resolve_settings(endpoint=endpoint, plugin_dir=plugin_dir, terraform_bin=terraform_bin, allow_remote=allow_remote)


def _progress(message: str) -> None:
    typer.echo(message, err=True)


def _print_results(results: list[stack.CheckResult]) -> None:
    typer.echo(f"{'TRIGGER':<10} {'INVOCATION':<13} {'VERDICT':<8} {'SECONDS':>7}  DETAIL")
    for r in results:
        typer.echo(f"{r.trigger:<10} {r.invocation:<13} {'ok' if r.ok else 'FAILED':<8} {r.seconds:>7.2f}  {r.detail}")
        if not r.ok:
            for line in r.seen:
                typer.echo(f"{'':<42}seen: {line}")


def _print_rows(rows: list[semantics.Row], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps({"rows": [dataclasses.asdict(r) for r in rows]}, indent=2))
        return
    typer.echo(f"{'TRIGGER':<8} {'INVOCATION':<13} {'PROPERTY':<34} VERDICT")
    for r in rows:
        typer.echo(f"{r.trigger:<8} {r.invocation:<13} {r.property:<34} {r.verdict}")
        typer.echo(f"{'':<9}expected: {r.expected}")
        typer.echo(f"{'':<9}observed: {r.observed}")


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
def status(endpoint: EndpointOpt = None, plugin_dir: PluginDirOpt = None, terraform_bin: TerraformBinOpt = None, allow_remote: AllowRemoteOpt = False) -> None:
    """Show the endpoint, its health and the applied triggers. Example: trig status"""
    settings = _settings(endpoint, plugin_dir, terraform_bin, allow_remote)
    info = emulator.health(settings.endpoint)
    typer.echo(f"endpoint: {settings.endpoint}")
    typer.echo(f"health:   {'healthy (version ' + str(info.get('version', '?')) + ')' if info is not None else 'not answering'}")
    applied = stack.applied_triggers(settings)
    typer.echo(f"applied:  {', '.join(applied) if applied else 'none'}")


@app.command()
@reports_errors
def apply(triggers: TriggersArg, set_: SetOpt = None, endpoint: EndpointOpt = None,
          plugin_dir: PluginDirOpt = None, terraform_bin: TerraformBinOpt = None, allow_remote: AllowRemoteOpt = False) -> None:
    """Build the zips, render tfvars and apply the triggers' Terraform. Example: trig apply all --set greeting=hi"""
    settings = _settings(endpoint, plugin_dir, terraform_bin, allow_remote)
    counts = stack.apply_triggers(settings, triggers, parse_set_options(set_ or []), progress=_progress)
    _print_counts(counts)


def _print_load_results(results: list[LoadResult]) -> None:
    typer.echo(f"{'TRIGGER':<10} {'INVOCATION':<13} {'FIRED':>6} {'CONFIRMED':>9} {'MISSING':>7} {'DUPLICATED':>10} {'SECONDS':>8}")
    for r in results:
        typer.echo(f"{r.trigger:<10} {r.invocation:<13} {r.fired:>6} {r.confirmed:>9} {r.missing:>7} {r.duplicated:>10} {r.seconds:>8.2f}")
        if r.missing_examples:
            typer.echo(f"{'':<10} missing nonces, first ones: {', '.join(r.missing_examples)}")


@app.command()
@reports_errors
def check(triggers: OptionalTriggersArg = None, timeout: TimeoutOpt = 30.0,
          count: CountOpt = None, concurrency: ConcurrencyOpt = 4, semantics_: SemanticsOpt = False,
          json_: JsonOpt = False, set_: SetOpt = None, keep: KeepOpt = False, endpoint: EndpointOpt = None,
          plugin_dir: PluginDirOpt = None, terraform_bin: TerraformBinOpt = None, allow_remote: AllowRemoteOpt = False) -> None:
    """Fire real events through each trigger and confirm they reached the function. Example: trig check kinesis --timeout 60

    With --count, fire many and account for each (example: trig check api --count 500 --concurrency 20);
    with --semantics, prove each type's invocation semantics instead (example: trig check all --semantics).
    """
    settings = _settings(endpoint, plugin_dir, terraform_bin, allow_remote)
    if semantics_:
        rows = semantics.check_semantics(settings, triggers or [], parse_set_options(set_ or []), timeout,
                                         keep=keep, progress=_progress)
        _print_rows(rows, json_)
        if any(r.verdict == semantics.FAIL for r in rows):
            raise typer.Exit(code=1)
        return
    if json_ or set_ or keep:
        raise UsageError("--json, --set and --keep go with --semantics: add --semantics or drop them.")
    if count is not None:
        load_results = stack.load_check_triggers(settings, triggers, count, concurrency, timeout)
        _print_load_results(load_results)
        ok = all(r.ok for r in load_results)
    else:
        results = stack.check_triggers(settings, triggers, timeout)
        _print_results(results)
        ok = all(r.ok for r in results)
    if not ok:
        raise typer.Exit(code=1)


@app.command()
@reports_errors
def destroy(triggers: TriggersArg, endpoint: EndpointOpt = None,
            plugin_dir: PluginDirOpt = None, terraform_bin: TerraformBinOpt = None, probes: ProbesOpt = False,
            allow_remote: AllowRemoteOpt = False) -> None:
    """Destroy the triggers' resources. Example: trig destroy all"""
    settings = _settings(endpoint, plugin_dir, terraform_bin, allow_remote)
    if probes:
        destroyed = semantics.destroy_probes(settings, triggers)
        typer.echo(f"destroyed: {', '.join(destroyed) if destroyed else 'no probe stack was applied'}")
        return
    destroyed = stack.destroy_triggers(settings, triggers, progress=_progress)
    typer.echo(f"destroyed: {', '.join(destroyed) if destroyed else 'nothing was applied'}")


@app.command()
@reports_errors
def run(triggers: TriggersArg, set_: SetOpt = None, timeout: TimeoutOpt = 30.0, endpoint: EndpointOpt = None,
        plugin_dir: PluginDirOpt = None, terraform_bin: TerraformBinOpt = None, allow_remote: AllowRemoteOpt = False) -> None:
    """Start the emulator if none answers, apply, then check. Example: trig run all"""
    settings = _settings(endpoint, plugin_dir, terraform_bin, allow_remote)
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
         plugin_dir: PluginDirOpt = None, terraform_bin: TerraformBinOpt = None, allow_remote: AllowRemoteOpt = False) -> None:
    """Plan the triggers with apply's tfvars and summarise what would change. Example: trig plan all --format markdown --out plan.md"""
    with plan_review.errors_exit_one(detailed_exitcode):
        settings = _settings(endpoint, plugin_dir, terraform_bin, allow_remote)
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
    logging.basicConfig(level=logging.WARNING, format="trig: %(message)s")
    app()
