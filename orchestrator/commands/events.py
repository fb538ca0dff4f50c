"""logs and fire: a trigger's function logs, and one event of the user's choosing through it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from orchestrator import fire as firing
from orchestrator import function_logs
from orchestrator.commands.common import TimeoutOpt, reports_errors, trigger_argument
from orchestrator.commands.checks import print_results
from orchestrator.commands.connection import EMULATOR, with_settings
from orchestrator.commands.root_options import RootOpt, refuse_with_root
from orchestrator.errors import TrigError
from orchestrator.progress import Progress
from orchestrator.render import parse_set_options
from orchestrator.roots.checks import check_root, function_target
from orchestrator.settings import Settings
from orchestrator.triggers import fire_option_help
from orchestrator.triggers.base import UserEvent

LogsTriggerArg = trigger_argument("trig logs sqs")
FireTriggerArg = trigger_argument("trig fire sns")
SinceOpt = Annotated[str, typer.Option("--since", metavar="DURATION", help="How far back to start: 30s, 10m, 2h, 1d (default 10m). Example: --since 1h")]
FollowOpt = Annotated[bool, typer.Option("--follow", "-f", help="Keep printing new lines as they arrive, until Ctrl-C. Example: trig logs kinesis --follow")]
DataOpt = Annotated[Optional[str], typer.Option("--data", metavar="TEXT", help=f"The event's body: {fire_option_help('data')}. Example: --data 'hello world'")]
FileOpt = Annotated[Optional[Path], typer.Option("--file", metavar="PATH", help="Read the event's body from this file instead of --data. Example: --file sample.txt")]
KeyOpt = Annotated[Optional[str], typer.Option("--key", metavar="KEY", help=f"{fire_option_help('key').capitalize()}. Example: --key hello.txt")]
QueryOpt = Annotated[Optional[list[str]], typer.Option("--query", metavar="NAME=VALUE", help=f"{fire_option_help('query').capitalize()}, NAME=VALUE, repeatable. Example: --query name=lambda")]


@reports_errors
@with_settings(EMULATOR)
def logs(trigger: LogsTriggerArg, since: SinceOpt = "10m", follow: FollowOpt = False, root: RootOpt = None, *,
         settings: Settings) -> None:
    """Print the trigger's function log lines from CloudWatch Logs, like `aws logs tail`. Example: trig logs kinesis --since 1h --follow

    With --root DIR, TRIGGER names a function of that team root (example: trig logs --root infra shop-refunds).
    """
    seconds = function_logs.parse_duration(since)
    target = function_target(settings, root, trigger) if root is not None else None
    try:
        with function_logs.stop_on_interrupt() as stop:
            def emit(event):
                typer.echo(function_logs.format_event(event))
            if target is not None:
                function_logs.tail_target(target, seconds, follow, emit, should_stop=stop.is_set, pause=stop.wait)
            else:
                function_logs.tail_logs(settings, trigger, seconds, follow, emit, should_stop=stop.is_set,
                                        pause=stop.wait)
    except KeyboardInterrupt:
        raise typer.Exit(code=0) from None  # a second Ctrl-C: the way to end --follow at once, not an error


@reports_errors
@with_settings(EMULATOR)
def fire(trigger: FireTriggerArg, data: DataOpt = None, file: FileOpt = None, key: KeyOpt = None, query: QueryOpt = None,
         timeout: TimeoutOpt = 30.0, root: RootOpt = None, *, settings: Settings, progress: Progress) -> None:
    """Send one event of your choosing through a real trigger and print what came back. Example: trig fire s3 --key hello.txt

    api prints the HTTP status and body (example: trig fire api --query name=lambda); s3 and kinesis
    send your --key and --data and print the service's receipt (request id, sequence number) and
    the log lines of the invocation the event caused (example: trig fire kinesis --data hello);
    the other types send the event `trig check` sends, with a fresh nonce, and print the same
    (example: trig fire sqs). With --root DIR, TRIGGER names a function of that team root: one event goes
    through each of its triggers, as `trig check --root` sends them (example: trig fire --root infra shop-refunds).
    """
    if root is not None:
        refuse_with_root("fire", data=data, file=file, key=key, query=query)
        results = check_root(settings, root, timeout, progress, function=trigger)
        print_results(results)
        if not all(r.ok for r in results):
            raise typer.Exit(code=1)
        return
    event = UserEvent(data=firing.read_event_body(data, file), key=key, query=parse_set_options(query or [], option="--query"))
    result = firing.fire_event(settings, trigger, event, timeout, progress=progress)
    sent = result.sent
    for name, value in sent.receipt.items():
        typer.echo(f"{name}: {value}")
    if sent.status is not None:
        typer.echo(f"HTTP {sent.status}")
        typer.echo(sent.body or "")
    if sent.note:
        progress(f"note: {sent.note}")
    for invocation in result.invocations:
        typer.echo(f"--- invocation {invocation.request_id} ({invocation.stream})")
        for line in invocation.lines:
            typer.echo(line)
    if result.waited and not result.invocations:
        raise TrigError(f"no invocation of {trigger}'s function logged this event within {timeout:.0f} s: "
                        f"see `trig logs {trigger}`, or pass a longer --timeout.")
    if not result.ok:
        raise typer.Exit(code=1)
