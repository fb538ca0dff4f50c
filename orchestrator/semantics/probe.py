"""The probe stacks: the probe function wired to one trigger type, in its own workspace (probe-api, ...).

They are applied from the same Terraform root as the seed triggers, with their own
templates, and destroyed when the experiments end.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from orchestrator.errors import UsageError
from orchestrator.set_values import values_for
from orchestrator.settings import Settings
from orchestrator.terraform.adapter import TerraformAdapter
from orchestrator.terraform.state import Outputs
from orchestrator.tfvars import write_tfvars
from orchestrator.triggers.base import ProbeSpec

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
    """Build the probe zip and render the probe stack's tfvars under .trig/; returns the tfvars path."""
    return write_tfvars(settings, spec.workspace, spec.function_dir, spec.handler, spec.template, values)


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
