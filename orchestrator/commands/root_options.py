"""`--root DIR` and the team's variables, as apply, check, run, plan, destroy and status take them; and the
checks that keep a root's options and trig's own stacks' arguments from being mixed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from orchestrator.errors import UsageError
from orchestrator.terraform.team_root import Variables

RootOpt = Annotated[Optional[Path], typer.Option(
    "--root", metavar="DIR", file_okay=True, dir_okay=True, resolve_path=False,
    help="A team's own Terraform root, run on the emulator on a copy under trig's home (the folder is only read), "
         "its triggers discovered from what was applied. Example: --root infra/lambda")]
VarFileOpt = Annotated[Optional[list[Path]], typer.Option(
    "--var-file", metavar="FILE", help="With --root: a .tfvars file passed to Terraform (repeatable). Example: --var-file dev.tfvars")]
VarOpt = Annotated[Optional[list[str]], typer.Option(
    "--var", metavar="NAME=VALUE", help="With --root: a variable passed to Terraform (repeatable). Example: --var stage=dev")]


def root_variables(var_files: list[Path] | None, values: list[str] | None) -> Variables:
    """The team's variables, checked: every file exists, every value is NAME=VALUE."""
    for path in var_files or []:
        if not path.is_file():
            raise UsageError(f"--var-file {path}: no such file; give a .tfvars file that exists.")
    for value in values or []:
        name, equals, _ = value.partition("=")
        if not equals or not name.strip():
            raise UsageError(f"--var {value!r}: give NAME=VALUE, as in --var stage=dev.")
    return Variables(tuple(p.resolve() for p in var_files or []), tuple(values or []))


def refuse_with_root(command: str, **given: object) -> None:
    """Refuse what goes with trig's own stacks only, given with --root (a truthy value means it was given)."""
    for name, value in given.items():
        if value:
            shown = "TRIGGER" if name == "triggers" else f"--{name.rstrip('_').replace('_', '-')}"
            raise UsageError(f"{shown} goes with trig's own stacks, not with --root (`trig {command} --root DIR` "
                             "takes what it needs from the root); drop one of them.")


def refuse_without_root(var_files: list[Path] | None, values: list[str] | None) -> None:
    if var_files or values:
        raise UsageError(f"{'--var-file' if var_files else '--var'} goes with --root DIR (a team's own root); trig's "
                         "own stacks take --set NAME=VALUE.")


def required_triggers(triggers: list[str] | None, example: str) -> list[str]:
    """The TRIGGER arguments, which trig's own stacks need."""
    if not triggers:
        raise UsageError(f"missing TRIGGER (example: {example})")
    return triggers
