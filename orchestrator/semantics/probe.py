"""The probe stacks: the probe function wired to one trigger type (probe-api, ...).

They are instances of the same trigger stack as the seed triggers, in the workspace of the same
place, from their types' templates with the probe's values: all selected ones applied in one Terraform run, and destroyed
in one when the experiments end.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from orchestrator.deploy import apply_recovering, place_tfvars, remove_from_place
from orchestrator.errors import TrigError, UsageError
from orchestrator.parallel import one_error
from orchestrator.location import Location, record_location, resources_of, workspace_of
from orchestrator.locks import workspace_lock
from orchestrator.set_values import values_for
from orchestrator.settings import Settings
from orchestrator.terraform.adapter import TerraformAdapter
from orchestrator.terraform.state import Outputs
from orchestrator.packaging import build_function_zip
from orchestrator.tfvars import TriggerPart, write_tfvars
from orchestrator.triggers.base import ProbeSpec

PROBE_RUNTIME = "python3.12"
# Settings whose value the experiments compute with, so --set must give a whole number.
_NUMBERS = ("maximum_retry_attempts", "batch_size", "timeout", "memory_size", "max_receive_count",
            "visibility_timeout")


def probe_values(spec: ProbeSpec, sets: Mapping[str, str]) -> dict[str, object]:
    """The probe's values with --set applied; numbers the experiments rely on are checked here."""
    values = values_for(spec, sets)
    for name in _NUMBERS:
        if name in values and isinstance(values[name], str):
            try:
                values[name] = int(values[name])
            except ValueError:
                raise UsageError(f"--set {name}={values[name]}: must be a whole number.") from None
    return values


def write_probe_tfvars(settings: Settings, spec: ProbeSpec, values: Mapping[str, object]) -> Path:
    """Build the probe zip and render the probe stack's part of the tfvars under .trig/; returns its path."""
    built = build_function_zip(settings.functions_dir / spec.function_dir,
                               settings.home / "build" / f"{spec.workspace}.zip", spec.handler)
    return write_tfvars(settings, spec.workspace, built, {**values, "handler": spec.handler, "runtime": PROBE_RUNTIME},
                        spec.environment(values, settings.endpoint), [TriggerPart(spec.name, spec.template, values)])


def _remove(settings: Settings, names: list[str]) -> None:
    """Destroy the named probe stacks in one Terraform run in the settings' place."""
    workspace = workspace_of(Location.of(settings))
    with workspace_lock(settings, workspace):
        remove_from_place(settings, workspace, names)


def apply_probes(settings: Settings, terraform: TerraformAdapter, fragments: Mapping[str, Path]) -> dict[str, Outputs]:
    """Apply fresh probe stacks in one Terraform run and return each one's outputs; stacks left by an earlier
    run are destroyed first, since a stream may still hold a batch that fails forever."""
    names = list(fragments)
    left = [name for name in names if resources_of(settings, name)]
    if left:
        _remove(settings, left)
    workspace = workspace_of(Location.of(settings))
    with workspace_lock(settings, workspace):
        for name in names:
            record_location(settings, name)  # before Terraform makes anything
        try:
            # As `trig apply` does: a create whose answer a busy emulator lost is applied again or adopted.
            apply_recovering(settings, terraform, workspace, place_tfvars(settings, fragments), names)
        except TrigError as failed:
            raise one_error([failed]) from None  # a dead emulator: one line, with the way out
    return {name: terraform.trigger_outputs(workspace, name) for name in names}


def destroy_probes_at_place(settings: Settings, names: list[str]) -> list[str]:
    """Destroy the named probe stacks that have anything applied, in one Terraform run; returns those destroyed."""
    applied = [name for name in names if resources_of(settings, name)]
    if applied:
        _remove(settings, applied)
    return applied
