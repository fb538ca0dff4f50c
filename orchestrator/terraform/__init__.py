"""The Terraform adapter, one module per concern; the names other modules use are re-exported here.

    command        python-terraform's command builder, run by trig (TerraformCommand)
    process        running Terraform: process groups, Ctrl-C (wait_through_interrupts), the watch
    environment    the scrubbed environment and the CLI config file for a provider mirror
    init           version check, init stamp and lock
    adapter        TerraformAdapter: init, workspaces, apply, destroy, import, plan, outputs
    failures       failed and stopped runs as typed errors, their output kept in a file
    state          state files parsed once into read-only objects (State, StateResource, Outputs)
    diagnostics    Terraform's printed output read: errors on one line, change counts
    static_checks  fmt and validate

The re-exports load their module on first use (PEP 562), because the leaf modules (state,
diagnostics) are imported by modules the adapter itself depends on (the watch, via settings
and the emulator): loading the adapter whenever a leaf is imported would be an import cycle.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_EXPORTS = {
    "TerraformAdapter": "adapter",
    "TerraformCommand": "command",
    "run_process": "process",
    "wait_through_interrupts": "process",
    "scrubbed_environment": "environment",
    "change_counts": "diagnostics",
    "diagnostic_lines": "diagnostics",
    "summarize_error": "diagnostics",
    "Outputs": "state",
    "OutputNotFound": "state",
    "State": "state",
    "StateResource": "state",
}

__all__ = [  # the keys of _EXPORTS, spelled out for linters
    "OutputNotFound", "Outputs", "State", "StateResource", "TerraformAdapter", "TerraformCommand",
    "change_counts", "diagnostic_lines", "run_process", "scrubbed_environment", "summarize_error",
    "wait_through_interrupts",
]

if TYPE_CHECKING:
    from orchestrator.terraform.adapter import TerraformAdapter
    from orchestrator.terraform.command import TerraformCommand
    from orchestrator.terraform.diagnostics import change_counts, diagnostic_lines, summarize_error
    from orchestrator.terraform.environment import scrubbed_environment
    from orchestrator.terraform.process import run_process, wait_through_interrupts
    from orchestrator.terraform.state import OutputNotFound, Outputs, State, StateResource


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
