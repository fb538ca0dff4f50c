"""`trig check --semantics`: per invocation type, apply a probe stack, run experiments, judge, destroy."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping

from botocore.exceptions import BotoCoreError, ClientError

from orchestrator.deploy import init_terraform, require_emulator
from orchestrator.errors import TrigError
from orchestrator.experiments.verdicts import FAIL, NOT_MODELLED, PASS, Row
from orchestrator.parallel import in_parallel
from orchestrator.progress import step
from orchestrator.location import refuse_legacy_states, resources_of
from orchestrator.semantics.probe import apply_probes, destroy_probes_at_place, probe_values, write_probe_tfvars
from orchestrator.set_values import check_sets, merge_config_sets
from orchestrator.settings import Settings
from orchestrator.terraform.adapter import TerraformAdapter
from orchestrator.triggers import REGISTRY, probe_specs, select_triggers
from orchestrator.triggers.base import ProbeSpec, AppliedTrigger

__all__ = ["PASS", "FAIL", "NOT_MODELLED", "Row", "SemanticsError", "check_semantics", "destroy_probes"]

log = logging.getLogger(__name__)


class SemanticsError(TrigError):
    """An experiment could not be run (the emulator refused a call); says which one."""


def new_nonce() -> str:
    return uuid.uuid4().hex[:12]


def _selected(settings: Settings, names: list[str], sets: Mapping[str, str]) -> list[ProbeSpec]:
    specs = probe_specs(settings)
    selected = [specs[t.name] for t in select_triggers(names)]
    check_sets(selected, sets, specs.values())
    return selected


def check_semantics(settings: Settings, names: list[str], sets: Mapping[str, str], timeout: float,
                    keep: bool = False, progress=log.info) -> list[Row]:
    """Apply every selected type's probe stack (one Terraform run), run their experiments (types in parallel),
    one row per property; the probe stacks are destroyed afterwards (one run) unless keep is set."""
    selected = _selected(settings, names, sets)
    sets = merge_config_sets(settings, selected, sets)
    values = {spec.name: probe_values(spec, sets) for spec in selected}
    require_emulator(settings)
    refuse_legacy_states(settings)
    terraform = TerraformAdapter(settings)
    init_terraform(terraform, progress)
    progress(f"proving the semantics of {', '.join(spec.name for spec in selected)} at {settings.endpoint}")
    fragments = {spec.workspace: write_probe_tfvars(settings, spec, values[spec.name]) for spec in selected}
    stacks = ", ".join(fragments)
    try:
        with step(progress, f"applying probe stacks {stacks}", done=f"applied probe stacks {stacks}"):
            outputs = apply_probes(settings, terraform, fragments)

        def run(spec: ProbeSpec) -> list[Row]:
            target = AppliedTrigger(settings, outputs[spec.workspace].for_trigger(spec.name, spec.name))
            with step(progress, f"{spec.name}: running the {spec.invocation} experiments on {target.function_name}",
                      done=f"{spec.name}: ran the {spec.invocation} experiments") as current:
                try:
                    rows = REGISTRY[spec.name].run_semantics(target, values[spec.name], new_nonce, timeout)
                except (ClientError, BotoCoreError) as exc:
                    raise SemanticsError(f"{spec.invocation} experiment on {target.function_name} failed: {exc}") from None
                current.outcome = ", ".join(f"{r.property}: {r.verdict}" for r in rows)
            return rows

        return [row for rows in in_parallel(selected, run) for row in rows]
    finally:
        if not keep:
            with step(progress, f"destroying probe stacks {stacks}", done=f"destroyed probe stacks {stacks}"):
                destroy_probes_at_place(settings, list(fragments))


def destroy_probes(settings: Settings, names: list[str]) -> list[str]:
    """Destroy the probe stacks of the named types left by `--keep`; returns the stacks destroyed."""
    selected = _selected(settings, names, {})
    refuse_legacy_states(settings)
    workspaces = [spec.workspace for spec in selected if resources_of(settings, spec.workspace)]
    if workspaces:
        require_emulator(settings)
    return destroy_probes_at_place(settings, workspaces)
