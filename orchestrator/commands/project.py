"""`trig init`: start a project of your own functions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orchestrator.commands.common import reports_errors
from orchestrator.scaffold import RUNTIMES, write_example_project

DirArg = Annotated[Path, typer.Argument(metavar="DIR", help="The folder to start the project in (made if missing). Example: trig init shop")]
RuntimeOpt = Annotated[str, typer.Option("--runtime", metavar="RUNTIME", help=f"The example function's runtime: {' or '.join(RUNTIMES)}. Example: --runtime nodejs20.x")]


@reports_errors
def init(folder: DirArg = Path("."), runtime: RuntimeOpt = "python3.12") -> None:
    """Write trig.toml and one example function with an API, an S3 and a Kinesis trigger; never overwrites a file. Example: trig init shop --runtime nodejs20.x"""
    for path in write_example_project(folder, runtime):
        typer.echo(f"wrote {path}")
    typer.echo(f"next: cd {folder} && trig run all")


# It reads no settings (a broken config file must not stop it) and takes none of the connection options.
init.connection_groups = ()  # type: ignore[attr-defined]
