"""apply, destroy, run, plan and validate: the Terraform side of trig."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from orchestrator import emulator, plan_review, semantics, stack, validation
from orchestrator.commands.checks import print_results
from orchestrator.commands.common import (
    AccountOpt, AllowRemoteOpt, EndpointOpt, PluginDirOpt, RegionOpt, SetOpt, TerraformBinOpt, TimeoutOpt,
    TriggersArg, progress, reports_errors, settings_from,
)
from orchestrator.errors import UsageError
from orchestrator.render import parse_set_options

RefreshOpt = Annotated[bool, typer.Option("--refresh", help="Run Terraform (with its refresh) even when the inputs are unchanged since the last apply, to repair drift. Example: trig apply s3 --refresh")]
ProbesOpt = Annotated[bool, typer.Option("--probes", help="Destroy the probe stacks `trig check --semantics --keep` left, not the triggers. Example: trig destroy all --probes")]
FormatOpt = Annotated[str, typer.Option("--format", help="Output format: text, markdown (for a pull-request comment) or json. Example: --format markdown")]
PlanJsonOpt = Annotated[bool, typer.Option("--json", help="Same as --format json: one JSON document on stdout. Example: trig plan all --json")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", help="Write the summary to this file instead of stdout. Example: --out plan.md")]
DetailedExitcodeOpt = Annotated[bool, typer.Option("--detailed-exitcode", help="Exit 0 when nothing changes, 2 when something does, 1 on error (as Terraform does). Example: trig plan all --detailed-exitcode")]


def _print_counts(counts: dict[str, dict[str, int]]) -> None:
    for name, c in counts.items():
        skipped = " (inputs unchanged, resources present: Terraform skipped; --refresh runs it)" if c.get("skipped") else ""
        typer.echo(f"{name}: {c['added']} added, {c['changed']} changed, {c['destroyed']} destroyed{skipped}")


@reports_errors
def apply(triggers: TriggersArg, set_: SetOpt = None, refresh: RefreshOpt = False, endpoint: EndpointOpt = None,
          plugin_dir: PluginDirOpt = None,
          terraform_bin: TerraformBinOpt = None, region: RegionOpt = None, account: AccountOpt = None,
          allow_remote: AllowRemoteOpt = False) -> None:
    """Build the zips, render tfvars and apply the triggers' Terraform. Example: trig apply all --set greeting=hi"""
    settings = settings_from(endpoint, plugin_dir, terraform_bin, allow_remote, region, account)
    counts = stack.apply_triggers(settings, triggers, parse_set_options(set_ or []), progress=progress, refresh=refresh)
    _print_counts(counts)


@reports_errors
def destroy(triggers: TriggersArg, probes: ProbesOpt = False, endpoint: EndpointOpt = None, plugin_dir: PluginDirOpt = None,
            terraform_bin: TerraformBinOpt = None, region: RegionOpt = None, account: AccountOpt = None,
            allow_remote: AllowRemoteOpt = False) -> None:
    """Destroy the triggers' resources. Example: trig destroy all"""
    settings = settings_from(endpoint, plugin_dir, terraform_bin, allow_remote, region, account)
    if probes:
        destroyed = semantics.destroy_probes(settings, triggers)
        typer.echo(f"destroyed: {', '.join(destroyed) if destroyed else 'no probe stack was applied'}")
        return
    destroyed = stack.destroy_triggers(settings, triggers, progress=progress)
    typer.echo(f"destroyed: {', '.join(destroyed) if destroyed else 'nothing was applied'}")


@reports_errors
def run(triggers: TriggersArg, set_: SetOpt = None, timeout: TimeoutOpt = 30.0, refresh: RefreshOpt = False,
        endpoint: EndpointOpt = None,
        plugin_dir: PluginDirOpt = None, terraform_bin: TerraformBinOpt = None, region: RegionOpt = None,
        account: AccountOpt = None, allow_remote: AllowRemoteOpt = False) -> None:
    """Start the emulator if none answers, apply, then check. Example: trig run all"""
    settings = settings_from(endpoint, plugin_dir, terraform_bin, allow_remote, region, account)
    if not emulator.is_healthy(settings.endpoint):
        stack.refuse_misplaced(settings, triggers)  # before starting anything
        record, _ = emulator.start(settings.home)
        progress(f"started MiniStack at {record.endpoint}")
        settings = settings_from(record.endpoint, plugin_dir, terraform_bin, False, region, account)
    stack.apply_triggers(settings, triggers, parse_set_options(set_ or []), progress=progress, refresh=refresh)
    results = stack.check_triggers(settings, triggers, timeout, progress=progress)
    print_results(results)
    if not all(r.ok for r in results):
        raise typer.Exit(code=1)


@reports_errors
def plan(triggers: TriggersArg, set_: SetOpt = None, format_: FormatOpt = "text", json_: PlanJsonOpt = False,
         out: OutOpt = None, detailed_exitcode: DetailedExitcodeOpt = False, endpoint: EndpointOpt = None,
         plugin_dir: PluginDirOpt = None, terraform_bin: TerraformBinOpt = None, region: RegionOpt = None,
         account: AccountOpt = None, allow_remote: AllowRemoteOpt = False) -> None:
    """Plan the triggers with apply's tfvars and summarise what would change. Example: trig plan all --format markdown --out plan.md"""
    with plan_review.errors_exit_one(detailed_exitcode):
        if json_ and format_ not in ("text", "json"):
            raise UsageError(f"--json means --format json: drop --format {format_} or --json.")
        settings = settings_from(endpoint, plugin_dir, terraform_bin, allow_remote, region, account)
        plans, text = plan_review.plan_and_render(settings, triggers, parse_set_options(set_ or []),
                                                  "json" if json_ else format_, progress=progress)
        if out is None:
            typer.echo(text, nl=False)
        else:
            plan_review.write_report(text, out)
            progress(f"wrote {out}")
    if detailed_exitcode:
        raise typer.Exit(code=plan_review.detailed_exit_code(plans))


@reports_errors
def validate(plugin_dir: PluginDirOpt = None, terraform_bin: TerraformBinOpt = None) -> None:
    """Check that terraform/ is formatted and that every root (envs/localstack, envs/aws) and module validates. Example: trig validate"""
    settings = settings_from(plugin_dir=plugin_dir, terraform_bin=terraform_bin)
    failures = validation.validate_project(settings, progress=progress)
    for failure in failures:
        typer.echo(failure)
    if failures:
        raise typer.Exit(code=1)
    typer.echo("terraform/ is formatted and every configuration is valid")
