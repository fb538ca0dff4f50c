"""The probe stacks: the probe function wired to one trigger type, in its own workspace (probe-api, ...).

They are applied from the same Terraform root as the seed triggers, with their own
templates, and destroyed when the experiments end.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from orchestrator.errors import UsageError
from orchestrator.logwatch import read_log_events
from orchestrator.packaging import build_function_zip
from orchestrator.render import render_tfvars
from orchestrator.semantics.verdicts import ProbeLine, parse_probe_lines
from orchestrator.settings import Settings
from orchestrator.stack import values_for
from orchestrator.terraform import Outputs, TerraformAdapter
from orchestrator.triggers import REGISTRY
from orchestrator.triggers.base import Target

FUNCTION_DIR = "probe"
# Settings whose value the experiments compute with, so --set must give a whole number.
_NUMBERS = ("maximum_retry_attempts", "batch_size", "timeout", "memory_size", "max_receive_count",
            "visibility_timeout")


@dataclass(frozen=True)
class ProbeSpec:
    """One trigger type's probe stack: its workspace, template and values (--set can override them)."""

    name: str
    invocation: str
    defaults: dict[str, object] = field(default_factory=dict)
    handler: str = "handler.handler"

    @property
    def workspace(self) -> str:
        return f"probe-{self.name}"

    @property
    def template(self) -> str:
        return f"probe-{self.name}.tfvars.j2"


def probe_specs(settings: Settings) -> dict[str, ProbeSpec]:
    """The probe of every trigger type; bucket names carry the account, since they are global."""
    def common(name: str) -> dict[str, object]:
        return {"function_name": f"trig-probe-{name}", "timeout": 10, "memory_size": 128,
                "state_bucket": f"trig-probe-{settings.account_id}-{name}-state"}

    specs = {
        "api": ProbeSpec("api", "synchronous", {**common("api"), "api_name": "trig probe", "path": "probe",
                                                "stage": "test"}),
        # One retry, not the default two: the row then shows the setting is obeyed, not just the default.
        "s3": ProbeSpec("s3", "asynchronous", {**common("s3"), "bucket": f"trig-probe-{settings.account_id}-events",
                                               "maximum_retry_attempts": 1,
                                               "on_failure_queue": "trig-probe-s3-failures"}),
        "kinesis": ProbeSpec("kinesis", "stream", {**common("kinesis"), "stream": "trig-probe-stream",
                                                   "batch_size": 10, "starting_position": "TRIM_HORIZON",
                                                   "maximum_retry_attempts": 2,
                                                   "bisect_batch_on_function_error": False,
                                                   "on_failure_queue": "trig-probe-kinesis-failures"}),
    }
    # Types added later describe their own probe (Trigger.probe_defaults).
    for trigger in REGISTRY.values():
        own = trigger.probe_defaults(settings)
        if trigger.name not in specs and own is not None:
            specs[trigger.name] = ProbeSpec(trigger.name, trigger.invocation, {**common(trigger.name), **own})
    return specs


def probe_values(spec: ProbeSpec, sets: Mapping[str, str]) -> dict[str, object]:
    """The probe's values with --set applied; numbers the experiments rely on are checked here."""
    values = values_for(spec, sets)  # type: ignore[arg-type]  # a ProbeSpec has what values_for reads
    for name in _NUMBERS:
        if name in values and isinstance(values[name], str):
            try:
                values[name] = int(values[name])
            except ValueError:
                raise UsageError(f"--set {name}={values[name]}: must be a whole number.") from None
    return values


def write_probe_tfvars(settings: Settings, spec: ProbeSpec, values: Mapping[str, object]) -> Path:
    """Build the probe zip and render the probe stack's tfvars under .trig/; returns the tfvars path."""
    built = build_function_zip(settings.functions_dir / FUNCTION_DIR,
                               settings.home / "build" / f"{spec.workspace}.zip", spec.handler)
    text = render_tfvars(settings.env_dir / "templates", spec.template, {
        **values,
        "zip": {"path": str(built.path), "hash": built.sha256_b64},
        "endpoint": settings.endpoint,
        "region": settings.region,
        "account_id": settings.account_id,
        "template_name": spec.template,
    })
    path = settings.home / "tfvars" / f"{spec.workspace}.tfvars"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def apply_probe(terraform: TerraformAdapter, spec: ProbeSpec, var_file: Path) -> Outputs:
    """Apply a fresh probe stack and return its outputs; a stack left by an earlier run is destroyed first,
    since its stream may still hold a batch that fails forever."""
    if terraform.state_resources(spec.workspace):
        terraform.destroy(spec.workspace, var_file)
    terraform.apply(spec.workspace, var_file)
    return terraform.outputs(spec.workspace)


def destroy_probe(terraform: TerraformAdapter, spec: ProbeSpec, var_file: Path) -> bool:
    """Destroy a probe stack if anything of it is applied; True if it was."""
    if not terraform.state_resources(spec.workspace):
        return False
    terraform.destroy(spec.workspace, var_file)
    return True


def read_probe_lines(target: Target, start_ms: int) -> list[ProbeLine]:
    """Every probe invocation logged in the target's log group since start_ms."""
    logs = target.client("logs")
    return parse_probe_lines(read_log_events(logs, target.log_group, start_ms - 1000))
