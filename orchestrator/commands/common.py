"""What every command shares: option types, the error boundary, settings, progress and JSON output."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Optional

import typer

from orchestrator.feedback import Feedback
from orchestrator.set_values import checked_settings
from orchestrator.triggers import settables
from orchestrator.settings import Settings
from orchestrator.triggers import REGISTRY

# Flags beat TRIG_* variables beat the config file beat defaults: resolve_settings reads the
# environment itself (not Typer), so that `trig config` can say where each value came from.
EndpointOpt = Annotated[Optional[str], typer.Option("--endpoint", metavar="URL", help="Emulator URL; env TRIG_ENDPOINT, config `endpoint` (default: the one `trig up` started, else http://localhost:4566). Example: --endpoint http://127.0.0.1:4566")]
PluginDirOpt = Annotated[Optional[str], typer.Option("--plugin-dir", metavar="DIR", help="Provider mirror folder; trig writes its own Terraform CLI config to use it; env TRIG_PLUGIN_DIR, config `plugin_dir`. Example: --plugin-dir /opt/tf-plugins")]
TerraformBinOpt = Annotated[Optional[str], typer.Option("--terraform-bin", metavar="BIN", help="Terraform or OpenTofu binary to run; env TRIG_TERRAFORM, config `terraform_bin` (default: terraform). Example: --terraform-bin tofu")]
RegionOpt = Annotated[Optional[str], typer.Option("--region", metavar="REGION", help="AWS region the emulator serves; env TRIG_REGION, config `region` (default: us-east-1). Example: --region eu-west-1")]
AccountOpt = Annotated[Optional[str], typer.Option("--account", metavar="ID", help="12-digit emulator account (the fake access key); env TRIG_ACCOUNT, config `account` (default: 000000000000). Example: --account 123456789012")]
AllowRemoteOpt = Annotated[bool, typer.Option("--allow-remote", envvar="TRIG_ALLOW_REMOTE",
                           help="Accept an endpoint that is not a loopback address. Example: --allow-remote --endpoint http://10.0.0.5:4566")]
SetOpt = Annotated[Optional[list[str]], typer.Option("--set", metavar="NAME=VALUE", help="Override a template value, NAME=VALUE or TRIGGER.NAME=VALUE; beats the config file's [tool.trig.set]. Example: --set greeting=hi")]
TimeoutOpt = Annotated[float, typer.Option("--timeout", min=1, metavar="SECONDS", help="Seconds to wait for each event's confirmation. Example: --timeout 60")]

TRIGGER_NAMES = ", ".join(REGISTRY)


# Each command shows an example of its own, so these are made per command.
def triggers_argument(example: str):
    """The TRIGGER... argument of apply, destroy, run and plan, with the command's own example."""
    return Annotated[list[str], typer.Argument(metavar="TRIGGER", show_default=False,
                                               help=f"Triggers: {TRIGGER_NAMES} or all. Example: {example}")]


def trigger_argument(example: str):
    """The single TRIGGER argument of logs and fire, with the command's own example."""
    return Annotated[str, typer.Argument(metavar="TRIGGER", show_default=False,
                                         help=f"One trigger: {TRIGGER_NAMES}. Example: {example}")]


def json_option(example: str):
    """--json, with the command's own example."""
    return Annotated[bool, typer.Option("--json", help=f"Print one JSON document on stdout and nothing else there "
                                                       f"(progress goes to stderr). Example: {example}")]


FEEDBACK = Feedback()


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


def settings_from(endpoint: str | None = None, plugin_dir: str | None = None, terraform_bin: str | None = None,
                  allow_remote: bool = False, region: str | None = None, account: str | None = None) -> Settings:
    return checked_settings(settables, endpoint=endpoint, plugin_dir=plugin_dir, terraform_bin=terraform_bin,
                            allow_remote=allow_remote, region=region, account=account)


# The progress callback the logic gets: lines on stderr, spinners on a terminal (--quiet: nothing).
progress = FEEDBACK


def echo_json(document: object) -> None:
    typer.echo(json.dumps(document, indent=2, default=str))


def path_text(path: Path | None) -> str:
    return str(path) if path is not None else "none"


def path_json(path: Path | None) -> str | None:
    """A path in a JSON document: null when there is none."""
    return str(path) if path is not None else None
