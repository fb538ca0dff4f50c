"""The trig command line: parse, call one function, print, exit.

The commands live in orchestrator/commands/ (one module per group; the connection options they
share are declared once, in commands/connection.py); this module assembles them into the Typer app
and holds trig's own options, which it hands to the command through Typer's context.
"""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from orchestrator import feedback, installed_version
from orchestrator.commands import boundary, checks, common, emulator, events, project, stacks
from orchestrator.errors import UsageError

app = typer.Typer(
    cls=boundary.TrigGroup,
    name="trig",
    help="Apply AWS Lambda trigger wiring with Terraform on a local emulator, and prove it works. "
         "Example: trig run all. Shell completion: trig --install-completion.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help shows [tool.trig] and every other bracket as written
)

QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr, only results and errors. Example: trig -q apply all")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Also stream Terraform's own output to stderr, and a traceback with an internal error. Example: trig -v apply api")]


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"trig {installed_version()}")
        raise typer.Exit()


VersionOpt = Annotated[bool, typer.Option("--version", is_eager=True, callback=_print_version,
                                          help="Print trig's version and exit. Example: trig --version")]


@app.callback()
def global_options(ctx: typer.Context, quiet: QuietOpt = False, verbose: VerboseOpt = False,
                   version: VersionOpt = False) -> None:
    """Apply AWS Lambda trigger wiring with Terraform on a local emulator, and prove it works. Example: trig run all

    Progress and spinners go to stderr (spinners and colours only on a terminal; NO_COLOR turns colours off);
    results go to stdout. Shell completion: trig --install-completion.
    """
    if quiet and verbose:
        raise UsageError("--quiet and --verbose contradict each other: pass one.")
    level = feedback.QUIET if quiet else feedback.VERBOSE if verbose else feedback.NORMAL
    ctx.ensure_object(common.GlobalOptions).feedback = feedback.Feedback(level)
    feedback.configure_output(level)


for command in (emulator.up, emulator.down, emulator.status, emulator.config, stacks.apply, checks.check,
                events.logs, events.fire, stacks.destroy, stacks.run, stacks.plan, stacks.validate, project.init):
    app.command()(command)

# Kept for callers that import them from here.
reports_errors = common.reports_errors


def main() -> None:
    """Console entry point."""
    logging.basicConfig(level=logging.WARNING, format="trig: %(message)s")
    app(prog_name="trig")
