"""apply, destroy, run, plan and validate: the Terraform side of trig."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from orchestrator import checking, deploy, planning, semantics, validation
from orchestrator.commands.checks import print_results
from orchestrator.commands.common import SetOpt, ShardOpt, TimeoutOpt, reports_errors, triggers_argument
from orchestrator.commands.connection import EMULATOR, TERRAFORM, with_settings
from orchestrator.commands.root_options import (RootOpt, VarFileOpt, VarOpt, refuse_with_root, refuse_without_root,
                                                required_triggers, root_variables)
from orchestrator.errors import UsageError
from orchestrator.plan_summary import detailed_exit_code
from orchestrator.progress import Progress
from orchestrator.render import parse_set_options
from orchestrator.roots import checks as root_checks, runs as root_runs
from orchestrator.settings import Settings
from orchestrator.sharding import parse_shard

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
MarkdownOpt = Annotated[Optional[Path], typer.Option("--markdown", metavar="FILE", help="Also write the same plan's markdown review (for a pull-request comment) to FILE, whatever --format says. Example: trig plan all --markdown plan.md")]
DetailedExitcodeOpt = Annotated[bool, typer.Option("--detailed-exitcode", help="Exit 0 when nothing changes, 2 when something does, 1 on error (as Terraform does). Example: trig plan all --detailed-exitcode")]


def _print_counts(counts: dict[str, dict[str, int]]) -> None:
    for name, c in counts.items():
        skipped = " (inputs unchanged, resources present: Terraform skipped; --refresh runs it)" if c.get("skipped") else ""
        typer.echo(f"{name}: {deploy.counts_text(c)}{skipped}")


@reports_errors
@with_settings(EMULATOR, TERRAFORM)
def apply(triggers: ApplyTriggersArg = None, set_: SetOpt = None, refresh: ApplyRefreshOpt = False,
          root: RootOpt = None, var_file: VarFileOpt = None, var: VarOpt = None, *,
          settings: Settings, progress: Progress) -> None:
    """Build the zips, render tfvars and apply the triggers' Terraform. Example: trig apply all --set greeting=hi

    With --root DIR, apply a team's own root on the emulator instead (example: trig apply --root infra --var-file dev.tfvars).
    """
    if root is not None:
        refuse_with_root("apply", triggers=triggers, set_=set_, refresh=refresh)
        counts = root_runs.apply_root(settings, root, root_variables(var_file, var), progress)
        typer.echo(f"{root}: {deploy.counts_text(counts)}")
        return
    refuse_without_root(var_file, var)
    triggers = required_triggers(triggers, "trig apply api s3")
    counts = deploy.apply_triggers(settings, triggers, parse_set_options(set_ or []), progress=progress, refresh=refresh)
    _print_counts(counts)


@reports_errors
@with_settings(EMULATOR, TERRAFORM)
def destroy(triggers: DestroyTriggersArg = None, probes: ProbesOpt = False, root: RootOpt = None,
            var_file: VarFileOpt = None, var: VarOpt = None, *, settings: Settings, progress: Progress) -> None:
    """Destroy the triggers' resources. Example: trig destroy all

    With --root DIR, destroy what trig applied of that root (example: trig destroy --root infra).
    """
    if root is not None:
        refuse_with_root("destroy", triggers=triggers, probes=probes)
        count = root_runs.destroy_root(settings, root, root_variables(var_file, var), progress)
        typer.echo(f"{root}: {count} destroyed" if count else f"{root}: nothing was applied")
        return
    refuse_without_root(var_file, var)
    triggers = required_triggers(triggers, "trig destroy kinesis sqs")
    if probes:
        destroyed = semantics.destroy_probes(settings, triggers)
        typer.echo(f"destroyed: {', '.join(destroyed) if destroyed else 'no probe stack was applied'}")
        return
    destroyed = deploy.destroy_triggers(settings, triggers, progress=progress)
    typer.echo(f"destroyed: {', '.join(destroyed) if destroyed else 'nothing was applied'}")


@reports_errors
@with_settings(EMULATOR, TERRAFORM)
def run(triggers: RunTriggersArg = None, set_: SetOpt = None, timeout: TimeoutOpt = 30.0, refresh: RunRefreshOpt = False,
        root: RootOpt = None, var_file: VarFileOpt = None, var: VarOpt = None, shard: ShardOpt = None, *,
        settings: Settings, progress: Progress) -> None:
    """Apply the triggers, then check each one; start MiniStack first when none answers at the default endpoint. Example: trig run all

    With --shard K/N, only the K-th of N stable shares of the functions named (example: trig run all --shard 2/3).

    With --root DIR, apply a team's own root, then check every trigger found in it (example: trig run --root infra).
    """
    if root is not None:
        refuse_with_root("run", triggers=triggers, set_=set_, refresh=refresh, shard=shard)
        settings = deploy.emulator_for_run(settings, [], progress=progress)
        counts = root_runs.apply_root(settings, root, root_variables(var_file, var), progress)
        typer.echo(f"{root}: {deploy.counts_text(counts)}")
        results = root_checks.check_root(settings, root, timeout, progress)
        print_results(results)
        if not all(r.ok for r in results):
            raise typer.Exit(code=1)
        return
    refuse_without_root(var_file, var)
    triggers = required_triggers(triggers, "trig run api sns")
    if shard is not None:
        triggers = deploy.sharded_functions(settings, triggers, parse_shard(shard))
        progress(f"shard {shard}: {', '.join(triggers) if triggers else 'nothing'}")
        if not triggers:
            return
    settings = deploy.emulator_for_run(settings, triggers, progress=progress)
    _print_counts(deploy.apply_triggers(settings, triggers, parse_set_options(set_ or []), progress=progress, refresh=refresh))
    results = checking.check_triggers(settings, triggers, timeout, progress=progress)
    print_results(results)
    if not all(r.ok for r in results):
        raise typer.Exit(code=1)


@reports_errors
@with_settings(EMULATOR, TERRAFORM)
def plan(triggers: PlanTriggersArg = None, set_: SetOpt = None, format_: FormatOpt = "text", json_: PlanJsonOpt = False,
         out: OutOpt = None, markdown: MarkdownOpt = None, detailed_exitcode: DetailedExitcodeOpt = False,
         root: RootOpt = None, var_file: VarFileOpt = None, var: VarOpt = None, *, settings: Settings,
         progress: Progress) -> None:
    """Plan the triggers with apply's tfvars and summarise what would change. Example: trig plan all --format markdown --out plan.md

    With --root DIR, plan a team's own root against what trig applied of it (example: trig plan --root infra --format markdown).
    """
    with planning.errors_exit_one(detailed_exitcode):
        if json_ and format_ not in ("text", "json"):
            raise UsageError(f"--json means --format json: drop --format {format_} or --json.")
        output_format = "json" if json_ else format_
        if root is not None:
            refuse_with_root("plan", triggers=triggers, set_=set_)
            planning.render_plans([], output_format)  # an unknown format is refused before any planning
            plans = [root_runs.plan_root(settings, root, root_variables(var_file, var), progress)]
            text = planning.render_plans(plans, output_format)
        else:
            refuse_without_root(var_file, var)
            plans, text = planning.plan_and_render(settings, required_triggers(triggers, "trig plan all"),
                                                      parse_set_options(set_ or []), output_format, progress=progress)
        if markdown is not None:  # one plan, two readers: the log shows the table, the pull request the review
            planning.write_report(planning.render_plans(plans, "markdown"), markdown, "--markdown")
            progress(f"wrote {markdown}")
        if out is None:
            typer.echo(text, nl=False)
        else:
            planning.write_report(text, out)
            progress(f"wrote {out}")
    if detailed_exitcode:
        raise typer.Exit(code=detailed_exit_code(plans))


@reports_errors
@with_settings(TERRAFORM)
def validate(*, settings: Settings, progress: Progress) -> None:
    """Check that terraform/ is formatted, that every module README matches its variables and outputs, and that every root (envs/localstack, envs/aws) and module validates. Example: trig validate"""
    failures = validation.validate_project(settings, progress=progress)
    for failure in failures:
        typer.echo(failure)
    if failures:
        raise typer.Exit(code=1)
    typer.echo("terraform/ is formatted and every configuration is valid")
