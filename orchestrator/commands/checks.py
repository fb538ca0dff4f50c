"""check: fire real events and confirm them, as a table, JSON or JUnit XML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from orchestrator import checking, reports, semantics
from orchestrator.commands.common import SetOpt, ShardOpt, TimeoutOpt, TRIGGER_NAMES, echo_json, json_option, reports_errors
from orchestrator.commands.connection import EMULATOR, TERRAFORM, with_settings
from orchestrator.commands.root_options import RootOpt, refuse_with_root
from orchestrator.errors import UsageError
from orchestrator.load import LoadResult
from orchestrator.progress import Progress
from orchestrator.render import parse_set_options
from orchestrator.roots.checks import check_root
from orchestrator.settings import Settings
from orchestrator.sharding import parse_shard

OptionalTriggersArg = Annotated[Optional[list[str]], typer.Argument(
    metavar="TRIGGER", show_default=False,
    help=f"Triggers to check: {TRIGGER_NAMES} or all (default: every applied one). Example: trig check api kinesis")]
JsonOpt = json_option("trig check all --json")
CountOpt = Annotated[Optional[int], typer.Option("--count", min=1, max=100000, metavar="N",
                     help="Fire this many events per trigger, each with its own nonce, and count confirmed, missing and duplicated ones. Example: --count 500")]
ConcurrencyOpt = Annotated[int, typer.Option("--concurrency", min=1, max=200, metavar="N",
                           help="Events in flight at once with --count (on a busy machine MiniStack loses more function output the more S3 events are in flight; the report says so). Example: --concurrency 20")]
SemanticsOpt = Annotated[bool, typer.Option("--semantics", help="Prove each invocation type's retry, batching and ordering semantics on a probe stack, one row per property. Example: trig check all --semantics")]
KeepOpt = Annotated[bool, typer.Option("--keep", help="With --semantics: keep the probe stacks to read their logs; remove them with `trig destroy TRIGGER --probes`. Example: trig check s3 --semantics --keep")]
JunitOpt = Annotated[Optional[Path], typer.Option("--junit", metavar="FILE", help="Also write JUnit XML: a test case per trigger (per property with --semantics). Example: --junit reports/trig.xml")]


def print_results(results: list[checking.CheckResult]) -> None:
    """The check table; a team root's rows also name the resource that wires each trigger and its function."""
    width = max([10, *(len(r.trigger) + 1 for r in results)])  # a project's triggers: `orders.queue`
    sources = [getattr(r, "source", "") for r in results]
    wide = max([0, *(len(s) + 1 for s in sources if s)])
    function_width = max([0, *(len(getattr(r, "function", "")) + 1 for r in results if getattr(r, "source", ""))])
    extra = f"{'SOURCE':<{wide}} {'FUNCTION':<{function_width}} " if wide else ""
    typer.echo(f"{'TRIGGER':<{width}} {extra}{'INVOCATION':<13} {'VERDICT':<8} {'SECONDS':>7}  DETAIL")
    for r, source in zip(results, sources):
        columns = f"{source:<{wide}} {getattr(r, 'function', ''):<{function_width}} " if wide else ""
        verdict = "skipped" if r.skipped else "ok" if r.ok else "FAILED"
        typer.echo(f"{r.trigger:<{width}} {columns}{r.invocation:<13} {verdict:<8} {r.seconds:>7.2f}  {r.detail}")
        if not r.ok:
            for line in r.seen:
                typer.echo(f"{'':<{width + len(columns) + 32}}seen: {line}")


def _print_rows(rows: list[semantics.Row]) -> None:
    typer.echo(f"{'TRIGGER':<8} {'INVOCATION':<13} {'PROPERTY':<34} VERDICT")
    for r in rows:
        typer.echo(f"{r.trigger:<8} {r.invocation:<13} {r.property:<34} {r.verdict}")
        typer.echo(f"{'':<9}expected: {r.expected}")
        typer.echo(f"{'':<9}observed: {r.observed}")
        typer.echo(f"{'':<9}{reports.row_evidence(r)}")


def _print_load_results(results: list[LoadResult]) -> None:
    typer.echo(f"{'TRIGGER':<10} {'INVOCATION':<13} {'FIRED':>6} {'CONFIRMED':>9} {'MISSING':>7} {'DUPLICATED':>10} {'SECONDS':>8}")
    for r in results:
        typer.echo(f"{r.trigger:<10} {r.invocation:<13} {r.fired:>6} {r.confirmed:>9} {r.missing:>7} {r.duplicated:>10} {r.seconds:>8.2f}")
        typer.echo(f"{'':<10} {reports.load_evidence(r)}")
        if r.missing_examples:
            typer.echo(f"{'':<10} missing nonces, first ones: {', '.join(r.missing_examples)}")
        if r.missing and r.invocations is not None:
            typer.echo(f"{'':<10} of the missing: {reports.missing_split(r)}")
        if r.unanswered:
            typer.echo(f"{'':<10} last answers of the missing: {', '.join(f'{k} x{v}' for k, v in r.unanswered.items())}")
        if r.retried:
            typer.echo(f"{'':<10} retried {r.retried} requests answered with a throttle, a gateway error or nothing, as a client would")


@reports_errors
@with_settings(EMULATOR, TERRAFORM)
def check(triggers: OptionalTriggersArg = None, timeout: TimeoutOpt = 30.0,
          count: CountOpt = None, concurrency: ConcurrencyOpt = 4, semantics_: SemanticsOpt = False,
          json_: JsonOpt = False, junit: JunitOpt = None, set_: SetOpt = None, keep: KeepOpt = False,
          root: RootOpt = None, shard: ShardOpt = None, *, settings: Settings, progress: Progress) -> None:
    """Fire real events through each trigger and confirm they reached the function. Example: trig check kinesis --timeout 60

    With --count, fire many and account for each (example: trig check api --count 500 --concurrency 20);
    with --semantics, prove each type's invocation semantics instead (example: trig check all --semantics).
    --json prints the result as one JSON document; --junit FILE also writes JUnit XML for CI
    (example: trig check all --json --junit trig.xml). With --root DIR, check every trigger found in what trig
    applied of a team's own root (example: trig check --root infra --junit trig.xml).
    """
    results: list[checking.CheckResult] | None = None  # the rows of a plain check (of trig's stacks or a root)
    if root is not None:
        refuse_with_root("check", triggers=triggers, count=count, semantics=semantics_, set_=set_, keep=keep,
                         shard=shard)
        results = check_root(settings, root, timeout, progress=progress)
    elif shard is not None and (semantics_ or count is not None):
        raise UsageError("--shard goes with a plain check (and with run): drop --semantics or --count, or --shard.")
    elif semantics_:
        rows = semantics.check_semantics(settings, triggers or [], parse_set_options(set_ or []), timeout,
                                         keep=keep, progress=progress)
        document, cases = reports.semantics_document(rows), reports.semantics_cases(rows)
        ok = document["ok"]
        if not json_:
            _print_rows(rows)
    elif set_ or keep:
        raise UsageError("--set and --keep go with --semantics: add --semantics or drop them.")
    elif count is not None:
        load_results = checking.load_check_triggers(settings, triggers, count, concurrency, timeout, progress=progress)
        document, cases = reports.load_document(load_results), reports.load_cases(load_results)
        ok = document["ok"]
        if not json_:
            _print_load_results(load_results)
    else:
        names = triggers
        if shard is not None:
            names = checking.sharded_triggers(settings, triggers, parse_shard(shard))
            progress(f"shard {shard}: {', '.join(names) if names else 'nothing'}")
        # An empty share checks nothing (no names would mean every applied trigger).
        results = checking.check_triggers(settings, names, timeout, progress=progress) if names or shard is None else []
    if results is not None:
        document, cases = reports.check_document(results), reports.check_cases(results)
        ok = document["ok"]
        if not json_:
            print_results(results)
    if json_:
        echo_json(document)
    if junit is not None:
        reports.write_junit(junit, f"trig check ({document['mode']})", cases)
        progress(f"wrote {junit}")
    if not ok:
        raise typer.Exit(code=1)
