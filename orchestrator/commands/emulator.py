"""up, down, status and config: the engine trig talks to and the settings it uses."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from orchestrator import emulator, engines, inventory
from orchestrator.commands.common import echo_json, json_option, path_json, path_text, reports_errors
from orchestrator.commands.connection import EMULATOR, TERRAFORM, with_settings
from orchestrator.commands.root_options import RootOpt
from orchestrator.errors import TrigError, UsageError
from orchestrator.functions import catalogue, load_project
from orchestrator.location import Location
from orchestrator.progress import Progress
from orchestrator.roots import runs as root_runs
from orchestrator.settings import Settings
from orchestrator.terraform.adapter import TerraformAdapter

StatusJsonOpt = json_option("trig status --json")
ConfigJsonOpt = json_option("trig config --json")

PortOpt = Annotated[Optional[int], typer.Option("--port", min=1, max=65535, metavar="PORT", help="Port for the emulator (default 4566). Example: --port 4599")]
EngineOpt = Annotated[str, typer.Option("--engine", metavar="ENGINE", help="Engine to start: ministack (embedded, no Docker) or localstack (its CLI, Docker and LOCALSTACK_AUTH_TOKEN). Example: --engine localstack")]


@reports_errors
@with_settings()
def up(port: PortOpt = None, engine: EngineOpt = engines.MINISTACK, *, settings: Settings, progress: Progress) -> None:
    """Start an emulator in the background on 127.0.0.1 and print its endpoint. Example: trig up --port 4566"""
    if engine not in engines.ENGINES:
        raise UsageError(f"--engine {engine!r} is not one of {', '.join(engines.ENGINES)}.")
    if engine == engines.LOCALSTACK:
        endpoint = engines.start_localstack(settings.home, port or emulator.DEFAULT_PORT)
        progress("started LocalStack")
        typer.echo(endpoint)
        return
    record, started = emulator.start(settings.home, port)
    progress("started MiniStack" if started else "MiniStack already running")
    typer.echo(record.endpoint)


@reports_errors
@with_settings()
def down(*, settings: Settings) -> None:
    """Stop the emulator `trig up` started (MiniStack or LocalStack). Example: trig down"""
    if engines.recorded_engine(settings.home) == engines.LOCALSTACK:
        engines.stop_localstack(settings.home)
        typer.echo("stopped")
        return
    stopped = emulator.stop(settings.home)
    typer.echo("stopped" if stopped else "no emulator started by trig is running")


def _terraform_version(settings) -> str:
    try:
        return TerraformAdapter(settings).check_version()
    except TrigError as exc:
        return f"unusable: {exc}"


@reports_errors
@with_settings(EMULATOR, TERRAFORM)
def status(json_: StatusJsonOpt = False, root: RootOpt = None, *, settings: Settings) -> None:
    """Show the endpoint, the engine answering there, its health, and each trigger: applied and present in the emulator, applied but missing, or not applied. Example: trig status --json

    With --root DIR, what trig applied of a team's own root and the triggers found in it (example: trig status --root infra).
    """
    if root is not None:
        _root_status(root_runs.root_status(settings, root), json_)
        return
    engine = engines.detect_engine(settings.endpoint)
    info = emulator.health(settings.endpoint) if engine.name != engines.NONE else None
    statuses = inventory.survey_triggers(settings, known={settings.endpoint: info is not None})
    applied = [s.trigger for s in statuses if s.applied]
    terraform = _terraform_version(settings)
    roots = root_runs.applied_roots(settings)
    if json_:
        echo_json({"endpoint": settings.endpoint, "endpoint_source": settings.sources.get("endpoint", ""),
                   "healthy": info is not None, "engine": engine.as_dict(), "applied": applied,
                   "triggers": {s.trigger: s.as_dict() for s in statuses},
                   "terraform": terraform, "region": settings.region, "account": settings.account_id,
                   "roots": roots})
        return
    typer.echo(f"endpoint: {settings.endpoint}")
    typer.echo(f"health:   {'healthy (version ' + str(info.get('version', '?')) + ')' if info is not None else 'not answering'}")
    typer.echo(f"engine:   {engine.describe()}")
    typer.echo(f"applied:  {', '.join(applied) if applied else 'none'}")
    typer.echo(f"terraform: {terraform}")
    if info is None:
        typer.echo(f"triggers: nothing answers at {settings.endpoint}; what their states record:")
    else:
        typer.echo("triggers: what their states record, checked in the emulator:")
    here = Location.of(settings)
    for s in statuses:
        typer.echo(f"  {s.trigger:<10} {inventory.describe_status(s, here)}")
    for r in roots:
        typer.echo(f"root {r['root']}: {r['resources']} resources applied at {r['endpoint']} for account "
                   f"{r['account']} (`trig status --root {r['root']}`)")


def _root_status(status: dict, json_: bool) -> None:
    if json_:
        echo_json(status)
        return
    typer.echo(f"root:     {status['root']} (trig's copy: {status['copy']})")
    if not status["applied"]:
        typer.echo("applied:  no")
        return
    typer.echo(f"applied:  {status['resources']} resources at {status['endpoint']} for account {status['account']}")
    typer.echo(f"triggers: {len(status['triggers'])} found")
    for t in status["triggers"]:
        note = f"  ({t['note']})" if t["note"] else ""
        typer.echo(f"  {t['kind']:<13} {t['source']:<50} -> {t['function']}{note}")


@reports_errors
@with_settings(EMULATOR, TERRAFORM)
def config(json_: ConfigJsonOpt = False, *, settings: Settings) -> None:
    """Show each effective setting and where it came from: flag, env, config file or default. Example: trig config --json

    The config file is the nearest trig.toml or pyproject.toml with [tool.trig], from the
    current folder upwards (or TRIG_CONFIG), with keys endpoint, region, plugin_dir,
    terraform_bin, account and a [tool.trig.set] table of default --set values.
    """
    values = {"endpoint": settings.endpoint, "region": settings.region, "plugin_dir": path_text(settings.plugin_dir),
              "terraform_bin": settings.terraform_bin, "account": settings.account_id}
    source = f"config {settings.config_file}"
    known = catalogue(settings) if load_project(settings) is not None else {}
    if json_:
        values["plugin_dir"] = path_json(settings.plugin_dir)
        echo_json({"config_file": path_json(settings.config_file), "home": str(settings.home),
                   "settings": {k: {"value": v, "source": settings.sources[k]} for k, v in values.items()},
                   "set": {k: {"value": v, "source": source} for k, v in settings.default_sets.items()},
                   "functions": {name: {"source": str(f.source), "handler": f.handler, "runtime": f.runtime,
                                        "triggers": {t.key: t.type.name for t in f.triggers}}
                                 for name, f in known.items()}})
        return
    typer.echo(f"{'config file':<14} {path_text(settings.config_file)}")
    typer.echo(f"{'home':<14} {settings.home}")
    for key, value in values.items():
        typer.echo(f"{key:<14} {value:<40} ({settings.sources[key]})")
    for key, value in settings.default_sets.items():
        typer.echo(f"{'set ' + key:<14} {value:<40} ({source})")
    if not known:
        typer.echo(f"{'functions':<14} the walk-through's, one per trigger type (no [functions] table in a config file)")
    for name, function in known.items():
        triggers = ", ".join(f"{t.key} ({t.type.name})" for t in function.triggers)
        typer.echo(f"{'function ' + name:<14} {function.runtime} {function.handler} in {function.source}: {triggers}")
