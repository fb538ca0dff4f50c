"""apply, destroy, plan and status of a team's own root (`--root DIR`) on the emulator.

Every command first reads the root (refusing what could reach real AWS), lays out trig's copy of it and writes
the override; the team's folder is only read. Where the root was applied (endpoint and account) is recorded
before Terraform first runs and forgotten only once a destroy has emptied the state, so nothing it made is
lost track of.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from orchestrator import emulator
from orchestrator.errors import UsageError
from orchestrator.location import same_endpoint
from orchestrator.plan_summary import TriggerPlan, summarize_plan
from orchestrator.progress import Progress, step
from orchestrator.roots.discovery import discover
from orchestrator.roots.override import write_override
from orchestrator.roots.source import TeamRoot, module_folders, read_root
from orchestrator.roots.workcopy import RootCopy, applied_copies, copy_for, held, rebuild
from orchestrator.settings import Settings
from orchestrator.terraform.diagnostics import change_counts, counts_text
from orchestrator.terraform.state import State, StateResource
from orchestrator.terraform.team_root import TeamRootTerraform, Variables


@dataclass(frozen=True)
class Prepared:
    """A root ready for Terraform: what was read of it, its copy, and the runs on that copy."""

    team: TeamRoot
    copy: RootCopy
    terraform: TeamRootTerraform


def _record(copy: RootCopy, settings: Settings) -> None:
    copy.record_file.write_text(json.dumps({"endpoint": settings.endpoint, "account": settings.account_id}) + "\n")


def recorded(copy: RootCopy) -> dict | None:
    try:
        return json.loads(copy.record_file.read_text())
    except (OSError, ValueError):
        return None


def resources(copy: RootCopy) -> list[StateResource]:
    state = State.read(copy.state_file)
    return [] if state is None else list(state.resources)


def refuse_elsewhere(copy: RootCopy, settings: Settings) -> None:
    """Refuse to run where the root's resources are not: another live endpoint, or another account."""
    record = recorded(copy)
    if record is None or not resources(copy):
        return
    other_endpoint = not same_endpoint(record["endpoint"], settings.endpoint)
    if other_endpoint and not emulator.is_healthy(record["endpoint"]):
        return  # that emulator is gone, and its resources with it: the state is refreshed away here
    if other_endpoint or record["account"] != settings.account_id:
        raise UsageError(f"{copy.directory} is applied at {record['endpoint']} for account {record['account']}: pass "
                         f"--endpoint {record['endpoint']} --account {record['account']}, or destroy it there first.")


@contextlib.contextmanager
def prepared(settings: Settings, directory: Path, variables: Variables, progress: Progress) -> Iterator[Prepared]:
    """Read the root, refuse what is unsafe, lay out the copy with its override, init it; hold the copy meanwhile."""
    team = read_root(directory)
    copy = copy_for(settings.home, directory)
    with held(copy):
        refuse_elsewhere(copy, settings)
        emulator.require_healthy(settings.endpoint)
        root = rebuild(copy, list(module_folders(directory).values()))
        write_override(team, root, copy.state_file, settings.endpoint, settings.account_id, settings.region)
        terraform = TeamRootTerraform(settings, copy, variables)
        with step(progress, f"terraform init of {directory}", None):
            terraform.ensure_init()
        # Modules init downloaded are read too (its modules.json lists them): their resources may use more
        # services, and a provider block of theirs cannot be overridden.
        downloaded = read_root(directory, copy.data_dir, root)
        if downloaded != team:
            team = downloaded
            write_override(team, root, copy.state_file, settings.endpoint, settings.account_id, settings.region)
        yield Prepared(team, copy, terraform)


def apply_root(settings: Settings, directory: Path, variables: Variables, progress: Progress) -> dict[str, int]:
    """Apply the team's root on the emulator; its counts."""
    with prepared(settings, directory, variables, progress) as ready:
        _record(ready.copy, settings)
        with step(progress, f"applying {directory}", f"applied {directory}") as current:
            counts = change_counts(ready.terraform.apply())
            current.outcome = counts_text(counts)
        return counts


def destroy_root(settings: Settings, directory: Path, variables: Variables, progress: Progress) -> int:
    """Destroy what trig applied of the root; the number of resources destroyed (0 when nothing was applied)."""
    copy = copy_for(settings.home, directory)
    # Nothing to destroy when there is no state, or one trig reads that holds nothing (one it cannot read is
    # handed to Terraform, which can).
    if not copy.state_file.exists() or (State.read(copy.state_file) is not None and not resources(copy)):
        copy.record_file.unlink(missing_ok=True)
        return 0
    with prepared(settings, directory, variables, progress) as ready:
        with step(progress, f"destroying {directory}", f"destroyed {directory}"):
            out = ready.terraform.destroy()
        if not resources(ready.copy):
            ready.copy.record_file.unlink(missing_ok=True)
        return change_counts(out)["destroyed"]


def plan_root(settings: Settings, directory: Path, variables: Variables, progress: Progress) -> TriggerPlan:
    """The root's plan against what trig applied of it, as the plan review of trig's own stacks reads one."""
    with prepared(settings, directory, variables, progress) as ready:
        plan_file = ready.copy.folder / "plans" / "review.tfplan"
        try:
            with step(progress, f"planning {directory}", None):
                ready.terraform.plan_to_file(plan_file)
                document = ready.terraform.show_plan(plan_file)
        finally:
            plan_file.unlink(missing_ok=True)
        return summarize_plan(str(directory), document, kind="root")


def root_status(settings: Settings, directory: Path) -> dict:
    """What trig holds of a team root: where it was applied, how many resources, and the triggers found in them."""
    copy = copy_for(settings.home, directory)
    applied = resources(copy)
    record = recorded(copy) or {}
    return {"root": str(copy.directory), "copy": str(copy.folder), "applied": bool(applied),
            "endpoint": record.get("endpoint"), "account": record.get("account"), "resources": len(applied),
            "triggers": [{"kind": f.kind, "invocation": f.invocation, "source": f.source, "function": f.function,
                          "region": f.region, "fired_by_check": not f.cannot_fire or f.kind == "schedule",
                          "note": f.cannot_fire} for f in discover(applied)]}


def applied_roots(settings: Settings) -> list[dict]:
    """Every team root trig holds resources of under its home: the root, how many resources, where."""
    found = []
    for copy in applied_copies(settings.home):
        held_resources = resources(copy)
        if held_resources:
            record = recorded(copy) or {}
            found.append({"root": str(copy.directory), "resources": len(held_resources),
                          "endpoint": record.get("endpoint"), "account": record.get("account")})
    return found
