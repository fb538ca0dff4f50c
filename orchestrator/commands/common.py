"""What every command shares: option types, trig's own options for the command line being run, Ctrl-C, JSON output.

The connection options and the Settings they resolve to are in commands/connection.py.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Optional

import typer

from orchestrator.feedback import VERBOSE, Feedback
from orchestrator.triggers import REGISTRY

SetOpt = Annotated[Optional[list[str]], typer.Option("--set", metavar="NAME=VALUE", help="Override a template value, NAME=VALUE or TRIGGER.NAME=VALUE; beats the config file's [tool.trig.set]. Example: --set greeting=hi")]
TimeoutOpt = Annotated[float, typer.Option("--timeout", min=1, metavar="SECONDS", help="Seconds to wait for each event's confirmation. Example: --timeout 60")]

ShardOpt = Annotated[Optional[str], typer.Option("--shard", metavar="K/N", help="Take only the K-th of N stable shares of the functions or triggers selected (the same split on every machine: by their last apply times when .trig/ holds them, else by name), for a CI matrix of N jobs. Example: --shard 2/3")]

TRIGGER_NAMES = ", ".join(REGISTRY)


# Each command shows an example of its own, so these are made per command.
def triggers_argument(example: str):
    """The TRIGGER... argument of apply, destroy, run and plan, with the command's own example (not with --root)."""
    return Annotated[Optional[list[str]], typer.Argument(metavar="TRIGGER", show_default=False,
                                                         help=f"Triggers: {TRIGGER_NAMES} or all; with a project file, its functions (FUNCTION, or FUNCTION.TRIGGER for one of its triggers) or all; none with --root. Example: {example}")]


def trigger_argument(example: str):
    """The single TRIGGER argument of logs and fire, with the command's own example."""
    return Annotated[str, typer.Argument(metavar="TRIGGER", show_default=False,
                                         help=f"One trigger: {TRIGGER_NAMES}; with a project file, FUNCTION.TRIGGER (or a function with one trigger). Example: {example}")]


def json_option(example: str):
    """--json, with the command's own example."""
    return Annotated[bool, typer.Option("--json", help=f"Print one JSON document on stdout and nothing else there "
                                                       f"(progress goes to stderr). Example: {example}")]


@dataclass
class GlobalOptions:
    """What trig's own options (-q, -v) chose for the one command line being run; Typer's context carries it
    from the callback to the command, and the error boundary reads it (commands/boundary.py)."""

    feedback: Feedback = field(default_factory=Feedback)

    @property
    def verbose(self) -> bool:
        return self.feedback.level == VERBOSE


def reports_errors(command: Callable) -> Callable:
    """Say what Ctrl-C left behind; every error goes on to the boundary (commands/boundary.py), which prints
    it as one line on stderr with its exit code."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except KeyboardInterrupt:
            typer.echo("trig: interrupted; Terraform's state is saved and unlocked.", err=True)
            raise typer.Exit(code=130) from None

    return wrapper


def echo_json(document: object) -> None:
    typer.echo(json.dumps(document, indent=2, default=str))


def path_text(path: Path | None) -> str:
    return str(path) if path is not None else "none"


def path_json(path: Path | None) -> str | None:
    """A path in a JSON document: null when there is none."""
    return str(path) if path is not None else None
