"""apply, destroy, run, plan and validate: the Terraform side of trig."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from orchestrator import checking, deploy, plan_review, semantics, validation
from orchestrator.commands.checks import print_results
from orchestrator.commands.common import (
    AccountOpt, AllowRemoteOpt, EndpointOpt, PluginDirOpt, RegionOpt, SetOpt, TerraformBinOpt, TimeoutOpt,
    progress, reports_errors, settings_from, triggers_argument,
)
from orchestrator.errors import UsageError
from orchestrator.render import parse_set_options

_REFRESH_HELP = ("Run Terraform (with its refresh) even when the inputs are unchanged since the last apply, "
                 "to repair drift. Example: ")
ApplyRefreshOpt = Annotated[bool, typer.Option("--refresh", help=_REFRESH_HELP + "trig apply s3 --refresh")]
RunRefreshOpt = Annotated[bool, typer.Option("--refresh", help=_REFRESH_HELP + "trig run s3 --refresh")]
ApplyTriggersArg = triggers_argument("trig apply api s3")
DestroyTriggersArg = triggers_argument("trig destroy kinesis sqs")
RunTriggersArg = triggers_argument("trig run api sns")
PlanTriggersArg = triggers_argument("trig plan all")
ProbesOpt = Annotated[bool, typer.Option("--probes", help="Destroy the probe stacks `trig check --semantics --keep` left, not the triggers. Example: trig destroy all --probes")]
FormatOpt = Annotated[str, typer.Option("--format", metavar="FORMAT", help="Output format: text, markdown (for a pull-request comment) or json. Example: --format markdown")]
PlanJsonOpt = Annotated[bool, typer.Option("--json", help="Same as --format json: one JSON document on stdout. Example: trig plan all --json")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", metavar="FILE", help="Write the summary to this file instead of stdout. Example: --out plan.md")]
DetailedExitcodeOpt = Annotated[bool, typer.Option("--detailed-exitcode", help="Exit 0 when nothing changes, 2 when something does, 1 on error (as Terraform does). Example: trig plan all --detailed-exitcode")]


def _print_counts(counts: dict[str, dict[str, int]]) -> None:
    for name, c in counts.items():
        skipped = " (inputs unchanged, resources present: Terraform skipped; --refresh runs it)" if c.get("skipped") else ""
        typer.echo(f"{name}: {deploy.counts_text(c)}{skipped}")


@reports_errors
def apply(triggers: ApplyTriggersArg, set_: SetOpt = None, refresh: ApplyRefreshOpt = False, endpoint: EndpointOpt = None,
          plugin_dir: PluginDirOpt = None,
          terraform_bin: TerraformBinOpt = None, region: RegionOpt = None, account: AccountOpt = None,
          allow_remote: AllowRemoteOpt = False) -> None:
    """Build the zips, render tfvars and apply the triggers' Terraform. Example: trig apply all --set greeting=hi"""
    settings = settings_from(endpoint, plugin_dir, terraform_bin, allow_remote, region, account)
    counts = deploy.apply_triggers(settings, triggers, parse_set_options(set_ or []), progress=progress, refresh=refresh)
    _print_counts(counts)


@reports_errors
def destroy(triggers: DestroyTriggersArg, probes: ProbesOpt = False, endpoint: EndpointOpt = None, plugin_dir: PluginDirOpt = None,
            terraform_bin: TerraformBinOpt = None, region: RegionOpt = None, account: AccountOpt = None,
            allow_remote: AllowRemoteOpt = False) -> None:
    """Destroy the triggers' resources. Example: trig destroy all"""
    settings = settings_from(endpoint, plugin_dir, terraform_bin, allow_remote, region, account)
    if probes:
        destroyed = semantics.destroy_probes(settings, triggers)
        typer.echo(f"destroyed: {', '.join(destroyed) if destroyed else 'no probe stack was applied'}")
        return
    destroyed = deploy.destroy_triggers(settings, triggers, progress=progress)
    typer.echo(f"destroyed: {', '.join(destroyed) if destroyed else 'nothing was applied'}")


@reports_errors
def run(triggers: RunTriggersArg, set_: SetOpt = None, timeout: TimeoutOpt = 30.0, refresh: RunRefreshOpt = False,
        endpoint: EndpointOpt = None,
        plugin_dir: PluginDirOpt = None, terraform_bin: TerraformBinOpt = None, region: RegionOpt = None,
        account: AccountOpt = None, allow_remote: AllowRemoteOpt = False) -> None:
    """Apply the triggers, then check each one; start MiniStack first when none answers at the default endpoint. Example: trig run all"""
    settings = deploy.emulator_for_run(settings_from(endpoint, plugin_dir, terraform_bin, allow_remote, region, account),
                                      triggers, progress=progress)
    _print_counts(deploy.apply_triggers(settings, triggers, parse_set_options(set_ or []), progress=progress, refresh=refresh))
    results = checking.check_triggers(settings, triggers, timeout, progress=progress)
    print_results(results)
    if not all(r.ok for r in results):
        raise typer.Exit(code=1)


@reports_errors
def plan(triggers: PlanTriggersArg, set_: SetOpt = None, format_: FormatOpt = "text", json_: PlanJsonOpt = False,
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
    """Check that terraform/ is formatted, that every module README matches its variables and outputs, and that every root (envs/localstack, envs/aws) and module validates. Example: trig validate"""
    settings = settings_from(plugin_dir=plugin_dir, terraform_bin=terraform_bin)
    failures = validation.validate_project(settings, progress=progress)
    for failure in failures:
        typer.echo(failure)
    if failures:
        raise typer.Exit(code=1)
    typer.echo("terraform/ is formatted and every configuration is valid")
