"""The connection options, declared once, and the Settings they resolve to, once per command.

A command names the groups it takes (EMULATOR: where the emulator is and as which account;
TERRAFORM: which Terraform runs with which providers) with `with_settings`. Their options become
the command's own, so they go after it as always (`trig apply all --endpoint …`); the command is
then called with `settings` (resolved from them, the TRIG_* environment and the config file) and
`progress` (the feedback trig's own -q/-v chose for this command line).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Optional

import typer

from orchestrator.commands.common import GlobalOptions
from orchestrator.set_values import checked_settings
from orchestrator.triggers import settables
from orchestrator.settings import Settings

EMULATOR = "emulator"
TERRAFORM = "terraform"
GROUPS = (EMULATOR, TERRAFORM)
# Filled in by with_settings, never read from the command line.
INJECTED = ("settings", "progress")


@dataclass(frozen=True)
class ConnectionOption:
    """One option of a group: the keyword resolve_settings takes, and how Typer shows and parses it."""

    name: str
    group: str
    annotation: Any
    default: Any = None

    def parameter(self) -> inspect.Parameter:
        return inspect.Parameter(self.name, inspect.Parameter.KEYWORD_ONLY, default=self.default,
                                 annotation=self.annotation)


# Flags beat TRIG_* variables beat the config file beat defaults: resolve_settings reads the
# environment itself (not Typer), so that `trig config` can say where each value came from.
# The order here is the order in every command's --help.
CONNECTION_OPTIONS = (
    ConnectionOption("endpoint", EMULATOR, Annotated[Optional[str], typer.Option(
        "--endpoint", metavar="URL",
        help="Emulator URL; env TRIG_ENDPOINT, config `endpoint` (default: the one `trig up` started, else "
             "http://localhost:4566). Example: --endpoint http://127.0.0.1:4566")]),
    ConnectionOption("plugin_dir", TERRAFORM, Annotated[Optional[str], typer.Option(
        "--plugin-dir", metavar="DIR",
        help="Provider mirror folder; trig writes its own Terraform CLI config to use it; env TRIG_PLUGIN_DIR, "
             "config `plugin_dir`. Example: --plugin-dir /opt/tf-plugins")]),
    ConnectionOption("terraform_bin", TERRAFORM, Annotated[Optional[str], typer.Option(
        "--terraform-bin", metavar="BIN",
        help="Terraform or OpenTofu binary to run; env TRIG_TERRAFORM, config `terraform_bin` "
             "(default: terraform). Example: --terraform-bin tofu")]),
    ConnectionOption("region", EMULATOR, Annotated[Optional[str], typer.Option(
        "--region", metavar="REGION",
        help="AWS region the emulator serves; env TRIG_REGION, config `region` (default: us-east-1). "
             "Example: --region eu-west-1")]),
    ConnectionOption("account", EMULATOR, Annotated[Optional[str], typer.Option(
        "--account", metavar="ID",
        help="12-digit emulator account (the fake access key); env TRIG_ACCOUNT, config `account` "
             "(default: 000000000000). Example: --account 123456789012")]),
    ConnectionOption("allow_remote", EMULATOR, Annotated[bool, typer.Option(
        "--allow-remote", envvar="TRIG_ALLOW_REMOTE",
        help="Accept an endpoint that is not a loopback address. "
             "Example: --allow-remote --endpoint http://10.0.0.5:4566")], default=False),
)


def options_of(groups: Iterable[str]) -> tuple[ConnectionOption, ...]:
    """The connection options of these groups, in declaration order."""
    groups = set(groups)
    unknown = groups - set(GROUPS)
    if unknown:
        raise ValueError(f"unknown connection option groups {sorted(unknown)}: choose from {', '.join(GROUPS)}")
    return tuple(option for option in CONNECTION_OPTIONS if option.group in groups)


def settings_from(**flags) -> Settings:
    """Settings from the connection flags given (None for those not given); the config file's set table checked."""
    return checked_settings(settables, **flags)


def with_settings(*groups: str) -> Callable[[Callable], Callable]:
    """Give the command the connection options of these groups and call it with `settings`, resolved from
    them once, and `progress`, for each of the two it declares (keyword-only)."""
    options = options_of(groups)

    def decorate(command: Callable) -> Callable:
        signature = inspect.signature(command, eval_str=True)
        injected = [name for name in INJECTED if name in signature.parameters]
        clash = {option.name for option in options} & set(signature.parameters)
        if clash or "ctx" in signature.parameters:
            raise TypeError(f"{command.__name__} declares {sorted(clash) or 'ctx'} itself; with_settings adds it")
        if options and "settings" not in injected:
            raise TypeError(f"{command.__name__} takes connection options but no `settings` to receive them")
        own = [p for p in signature.parameters.values() if p.name not in injected]
        context = inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context)

        @functools.wraps(command)
        def wrapper(*, ctx: typer.Context, **values):
            flags = {option.name: values.pop(option.name) for option in options}
            if "settings" in injected:
                values["settings"] = settings_from(**flags)
            if "progress" in injected:
                values["progress"] = ctx.ensure_object(GlobalOptions).feedback
            return command(**values)

        # Typer reads a command's options from its signature: show it the command's own parameters, then
        # the declared options, then the context (which Typer fills in, not the command line).
        parameters = [*own, *(option.parameter() for option in options), context]
        wrapper.__signature__ = signature.replace(parameters=parameters)
        wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
        if signature.return_annotation is not inspect.Signature.empty:
            wrapper.__annotations__["return"] = signature.return_annotation
        wrapper.connection_groups = tuple(group for group in GROUPS if group in groups)
        return wrapper

    return decorate
